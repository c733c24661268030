import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu

from referrals.validators import CENTURY, CHECK_CHARS, validate_identity_code


def code_for(day: datetime.date, individual: int, sign: str | None = None) -> str:
    """A well-formed identity code of someone born on `day` (the published check rule)."""
    sign = sign or {1800: "+", 1900: "-", 2000: "A"}[day.year // 100 * 100]
    digits = f"{day:%d%m%y}{individual:03d}"
    return f"{day:%d%m%y}{sign}{individual:03d}{CHECK_CHARS[int(digits) % 31]}"


@pytest.mark.parametrize(
    "code",
    [
        "131052-308T",  # the Digital and Population Data Services Agency's example
        "010101-123N",
        "131052+308T",  # born 1852
        "010110A1230",  # 2000s, sign A
        "010594Y202E",  # 1900s, new sign Y (2023)
        "020502E202B",  # 2000s, new sign E
        "131052w308t",  # lower case is accepted and normalized
    ],
)
def test_valid_identity_codes_pass(code):
    validate_identity_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "identity_code_format"),
        ("131052308T", "identity_code_format"),
        ("131052/308T", "identity_code_format"),  # unknown century sign
        ("131052G308T", "identity_code_format"),  # G is not a century sign
        ("131052-308", "identity_code_format"),
        ("310252-308T", "identity_code_date"),  # 31 February
        ("290201A123A", "identity_code_date"),  # 2001 was not a leap year
        ("010150A123A", "identity_code_future"),  # born in 2050
        ("131052-001T", "identity_code_individual"),
        ("131052-308U", "identity_code_checksum"),
        ("010101-123P", "identity_code_checksum"),
        ("010594Y9021", "identity_code_temporary"),  # 900-999: a temporary number
        ("020502E902X", "identity_code_temporary"),
    ],
)
def test_invalid_identity_codes_are_refused_with_a_reason(code, error):
    with pytest.raises(ValidationError) as excinfo:
        validate_identity_code(code)
    assert excinfo.value.code == error


def test_a_birth_date_after_today_is_refused_and_today_is_not():
    today = timezone.localdate()
    validate_identity_code(code_for(today, 202))
    with pytest.raises(ValidationError) as excinfo:
        validate_identity_code(code_for(today + datetime.timedelta(days=1), 202))
    assert excinfo.value.code == "identity_code_future"
    assert "in the future" in excinfo.value.messages[0]


@pytest.mark.parametrize("individual", [900, 950, 999])
def test_a_temporary_number_is_accepted_only_when_allowed(individual):
    code = code_for(datetime.date(2019, 5, 2), individual)
    with pytest.raises(ValidationError) as excinfo:
        validate_identity_code(code)
    assert "temporary" in excinfo.value.messages[0]
    validate_identity_code(code, allow_temporary=True)


@pytest.mark.parametrize("individual", [2, 500, 899])
def test_a_permanent_number_needs_no_flag(individual):
    validate_identity_code(code_for(datetime.date(2019, 5, 2), individual))


CODES = st.builds(
    lambda day, month, year, sign, individual, check: (
        f"{day:02d}{month:02d}{year:02d}{sign}{individual:03d}{check}"
    ),
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(0, 99),
    st.sampled_from(sorted(CENTURY)),
    st.integers(0, 999),
    st.sampled_from(CHECK_CHARS),
)


@settings(max_examples=500, derandomize=True, database=None)
@given(code=CODES, allow_temporary=st.booleans())
def test_the_validator_agrees_with_python_stdnum(code, allow_temporary):
    """stdnum's `fi.hetu` knows every century sign and the temporary range; it does not look
    at today's date, so a future birth date is the one refusal that is ours alone."""
    try:
        hetu.validate(code, allow_temporary=allow_temporary)
        stdnum_accepts = True
    except StdnumError:
        stdnum_accepts = False
    try:
        validate_identity_code(code, allow_temporary=allow_temporary)
        ours = "accepts"
    except ValidationError as refusal:
        ours = refusal.code
    if ours == "identity_code_future":
        code = code.upper()
        born = datetime.date(CENTURY[code[6]] + int(code[4:6]), int(code[2:4]), int(code[:2]))
        assert stdnum_accepts and born > timezone.localdate()
    else:
        assert (ours == "accepts") == stdnum_accepts, (code, ours)
