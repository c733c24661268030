import pytest
from django.core.exceptions import ValidationError

from referrals.validators import validate_identity_code


@pytest.mark.parametrize(
    "code",
    [
        "131052-308T",  # the Digital and Population Data Services Agency's example
        "010101-123N",
        "131052+308T",  # born 1852
        "010150A123A",  # 2000s, sign A
        "010594Y9021",  # 1900s, new sign Y (2023)
        "020502E902X",  # 2000s, new sign E
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
        ("131052-001T", "identity_code_individual"),
        ("131052-308U", "identity_code_checksum"),
        ("010101-123P", "identity_code_checksum"),
    ],
)
def test_invalid_identity_codes_are_refused_with_a_reason(code, error):
    with pytest.raises(ValidationError) as excinfo:
        validate_identity_code(code)
    assert excinfo.value.code == error
