"""REST API for referrals (/api/v1/): the same services and permission rules as the pages.

Errors: 400 with field messages for bad input, 403 when a party may see the referral but not
do this, 404 when the caller may not know it exists, 409 when the state (or a race) refused.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from consent.models import Consent
from directory.models import Challenge, Mode, Municipality, Organization, TargetGroup
from perhelinja.fastpath import CHALLENGES, MODES, referral_lists
from perhelinja.filters import UTCDateTimeFilter
from perhelinja.fsm import TransitionRefused

from . import selectors, services
from .actions import REFERRAL_ACTIONS
from .audit import record_access, record_accesses
from .models import (
    DESCRIPTION_MAX_LENGTH,
    AccessRecord,
    DeclineReason,
    FamilyLanguage,
    Referral,
    State,
)
from .validators import (
    PHONE_INVALID,
    normalize_identity_code,
    phone_e164,
    validate_identity_code,
)

# What a caller of the API may do: every action a person takes (the booking and the outcome
# report schedule, start and complete a referral through their own endpoints).
API_ACTIONS = [a for a in REFERRAL_ACTIONS if a.places or a.name == "submit"]


def exception_handler(exc, context):
    """Map the services' exceptions to HTTP: refusals are conflicts, rule breaks are 403,
    and every 404 says the same."""
    if isinstance(exc, TransitionRefused):
        return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_404_NOT_FOUND:
        # One answer whether the object is missing or hidden: get_object_or_404's message
        # ("No Referral matches…") would tell the two apart.
        response.data = {"detail": _("Not found.")}
    return response


class SlugsField(serializers.ManyRelatedField):
    """The slugs of a many-to-many relation: those `attach_slugs` read for a whole page when
    present (strings, no model instances), else from the relation itself."""

    def __init__(self, slug_field: str, **kwargs):
        child = serializers.SlugRelatedField(slug_field=slug_field, read_only=True)
        super().__init__(child_relation=child, read_only=True, **kwargs)

    def get_attribute(self, instance):
        read = getattr(instance, "api_slugs", None)
        if read is None:
            return super().get_attribute(instance)
        return read.get(self.source, [])

    def to_representation(self, iterable):
        to_slug = self.child_relation.to_representation
        return [item if isinstance(item, str) else to_slug(item) for item in iterable]


def attach_slugs(referrals: list[Referral]) -> None:
    """The challenges' and the ways to meet's slugs of a page of referrals in one query (in
    the models' own order), instead of two prefetches that make a model instance per slug."""
    for referral in referrals:
        referral.api_slugs = {"challenges": [], "preferred_modes": []}
    if not referrals:
        return
    lists = referral_lists([referral.pk for referral in referrals], (CHALLENGES, MODES))
    for referral in referrals:
        read = lists[referral.pk]
        referral.api_slugs["challenges"] = [challenge.slug for challenge in read.challenges]
        referral.api_slugs["preferred_modes"] = read.mode_codes


class ReferralSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target_group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    challenges = SlugsField(slug_field="slug")
    preferred_modes = SlugsField(slug_field="code")
    identity_code = serializers.CharField(source="masked_identity_code", read_only=True)
    # "" when the family gave only a phone number, which format "email" would not allow
    contact_email = serializers.CharField(read_only=True)
    fhir_status = serializers.CharField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "state",
            "fhir_status",
            "municipality",
            "target_group",
            "challenges",
            "preferred_modes",
            "preferred_times",
            "contact_name",
            "contact_phone",
            "contact_email",
            "language",
            "language_other",
            "interpreter_needed",
            "identity_code",
            "description",
            "organization",
            "created_at",
            "submitted_at",
            "accepted_at",
            "closed_at",
        ]
        read_only_fields = fields

    # What stays visible once sharing ends (number, state, dates, routing facts): every other
    # field of the family goes blank for an organization that no longer holds the referral.
    PERSONAL_FIELDS = (
        "contact_name",
        "contact_phone",
        "contact_email",
        "language_other",
        "identity_code",
        "description",
        "preferred_times",
    )

    def to_representation(self, referral):
        data = super().to_representation(referral)
        request = self.context.get("request")
        if request is not None and not selectors.family_shown_in_list(referral, request.user):
            data.update(dict.fromkeys(self.PERSONAL_FIELDS, ""))
        return data


class ReferralDetailSerializer(ReferralSerializer):
    available_transitions = serializers.SerializerMethodField()

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "available_transitions"]
        read_only_fields = fields

    def get_available_transitions(self, referral) -> list[str]:
        user = self.context["request"].user
        return [a.name for a in REFERRAL_ACTIONS.available(referral, user, API_ACTIONS)]


class ReferralWriteSerializer(serializers.Serializer):
    """A draft's content, as the referral wizard asks for it; PATCH sends only what changes."""

    consent = serializers.PrimaryKeyRelatedField(
        queryset=Consent.objects.none(), help_text="A consent the caller recorded."
    )
    municipality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        required=False,
        help_text="The family's municipality; the caller's when left out.",
    )
    target_group = serializers.SlugRelatedField(
        slug_field="slug", queryset=TargetGroup.objects.filter(is_active=True)
    )
    challenges = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=Challenge.objects.filter(is_active=True),
        allow_empty=False,
    )
    preferred_modes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Mode.objects.all(), required=False
    )
    preferred_times = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=200)
    contact_phone = PhoneNumberField(
        required=False,
        allow_blank=True,
        max_length=40,
        error_messages={"invalid": PHONE_INVALID},
        help_text="As people write it (Finnish by default, e.g. 041 234 5678); answered in E.164.",
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=FamilyLanguage.choices)
    language_other = serializers.CharField(max_length=60, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    identity_code = serializers.CharField(max_length=11, required=False, allow_blank=True)
    identity_code_temporary = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="The identity code is a temporary one (individual number 900-999): "
        "such a code is refused without this.",
    )
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    children_birth_years = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=20
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent when the schema is generated
        if request is not None:
            self.fields["consent"].queryset = Consent.objects.filter(recorded_by=request.user)
        if self.instance is not None:
            del self.fields["consent"]  # a draft keeps the consent it was made under

    def validate_contact_phone(self, number) -> str:
        return phone_e164(number)

    def validate_children_birth_years(self, years):
        this_year = timezone.localdate().year
        if any(not (this_year - 30 <= y <= this_year + 1) for y in years):
            raise serializers.ValidationError(
                _("Give the children's birth years as four-digit years, e.g. 2019, 2022.")
            )
        return sorted(years)

    def validate(self, data):
        merged = {**self._current(), **data}
        errors = {}
        if not (merged.get("contact_phone") or merged.get("contact_email")):
            errors["contact_phone"] = [_("Give a phone number or an email address.")]
        if merged.get("language") == FamilyLanguage.OTHER and not merged.get("language_other"):
            errors["language_other"] = [_("Name the language.")]
        code = normalize_identity_code(data.get("identity_code", ""))
        if code:
            try:
                validate_identity_code(
                    code, allow_temporary=data.get("identity_code_temporary", False)
                )
            except DjangoValidationError as error:
                errors["identity_code"] = error.messages
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {
            f: getattr(self.instance, f)
            for f in ("contact_phone", "contact_email", "language", "language_other")
        }

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data.pop("consent", None)
        data.pop("identity_code_temporary", None)
        if "preferred_modes" in data:
            data["modes"] = data.pop("preferred_modes")
        return data


class TransitionResultSerializer(serializers.Serializer):
    """The new state; the referral itself only while the caller may still see it (after a
    coordinator's assign, for one, it is the organization's and no longer theirs to read)."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    referral = ReferralDetailSerializer(allow_null=True)


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason_code = serializers.ChoiceField(choices=DeclineReason.choices, required=False)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True), required=False
    )


class ReferralFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices)
    municipality = django_filters.CharFilter(field_name="municipality__code")
    submitted_after = UTCDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = UTCDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Referral
        fields = ["state", "municipality", "submitted_after", "submitted_before"]


class ReferralCursorPagination(CursorPagination):
    """Newest first, 25 a page, by keyset: no COUNT over an organization's whole history and
    the same cost on every page. `next` and `previous` are opaque links."""

    ordering = ("-created_at", "-pk")
    page_size = 25

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            return None  # a damaged link starts from the newest, as the pages' links do


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals the caller may see: those they made, and those their organization holds."""

    lookup_value_regex = r"\d+"

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    pagination_class = ReferralCursorPagination

    queryset = Referral.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        user = self.request.user
        visible = Q(referrer=user)
        if getattr(user, "is_worker", False):
            held = Q(organization_id=user.organization_id)
            # An OR of two keys cannot walk one index in order: a worker who never referred
            # anyone (nearly all) gets the organization's index alone.
            mine = Referral.objects.filter(visible).exists()
            visible = (visible | held) if mine else held
        return (
            Referral.objects.filter(visible)
            .select_related("municipality", "target_group", "consent")
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        """A page of referrals; their challenges and ways to meet in one more query, and an
        access record for each (the page shows the families' contact details) in one insert."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        attach_slugs(page)
        data = self.get_serializer(page, many=True).data
        shown = [
            referral.pk
            for referral in page
            if selectors.family_shown_in_list(referral, request.user)
        ]
        record_accesses(request, shown, AccessRecord.Channel.API)
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None, format=None):  # format: the .json suffix routes
        referral = selectors.get_referral_for_user(request.user, pk)
        record_access(request, referral, AccessRecord.Channel.API)
        return Response(ReferralDetailSerializer(referral, context={"request": request}).data)

    @extend_schema(request=ReferralWriteSerializer, responses={201: ReferralDetailSerializer})
    def create(self, request):
        """Make a draft under a consent the caller recorded; only the caller sees it."""
        if not getattr(request.user, "is_professional", False):
            raise exceptions.PermissionDenied(_("Only municipal professionals can make referrals."))
        body = ReferralWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        referral = services.referral_create(
            actor=request.user, consent=body.validated_data["consent"], **body.service_kwargs()
        )
        return self._detail(request, referral.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ReferralWriteSerializer, responses=ReferralDetailSerializer)
    def update(self, request, pk=None):
        """Replace a draft's (or a returned referral's) content."""
        return self._update(request, pk, partial=False)

    @extend_schema(request=ReferralWriteSerializer, responses=ReferralDetailSerializer)
    def partial_update(self, request, pk=None):
        """Change some of a draft's (or a returned referral's) content."""
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial: bool):
        referral = selectors.get_referral_for_user(request.user, pk)
        body = ReferralWriteSerializer(
            referral, data=request.data, partial=partial, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        services.referral_update(referral=referral, actor=request.user, **body.service_kwargs())
        return self._detail(request, referral.pk)

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        referral = selectors.get_referral_for_user(request.user, pk)
        data = ReferralDetailSerializer(referral, context={"request": request}).data
        return Response(data, status=code)

    @extend_schema(request=TransitionSerializer, responses=TransitionResultSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, pk=None, name=None):
        if REFERRAL_ACTIONS.get(name) not in API_ACTIONS:
            raise exceptions.NotFound()
        if name == "claim":
            referral = selectors.get_pooled_referral_for_user(request.user, pk)
        elif name in ("assign", "open_pool") or (
            name in ("return", "cancel") and request.user.has_perm("referrals.triage_referral")
        ):
            referral = selectors.get_referral_for_triage(request.user, pk)
        else:
            referral = selectors.get_referral_for_user(request.user, pk)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if name == "assign" and "organization" not in body.validated_data:
            raise exceptions.ValidationError({"organization": ["This field is required."]})
        referral = REFERRAL_ACTIONS.call(name, referral, request.user, body.validated_data)
        referral = Referral.objects.get(pk=referral.pk)
        detail = None
        if request.user.has_perm("referrals.view_referral", referral):
            detail = ReferralDetailSerializer(referral, context={"request": request}).data
        return Response({"id": referral.pk, "state": referral.state, "referral": detail})
