"""REST API for service packages (/api/v1/packages/): the same services, actions and access
rules as the pages. Errors as the referrals' API answers them (`referrals.api.exception_handler`
is the project's): 400 bad input, 403 a party not allowed this, 404 not the caller's to know,
409 the state refused.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from directory.models import (
    Challenge,
    LanguageCode,
    Municipality,
    Organization,
    Service,
    TargetGroup,
    User,
)
from perhelinja.dates import BoundedDateSerializerField

from . import selectors, services
from .actions import PACKAGE_ACTIONS
from .forms import PLAN_MAX_LENGTH
from .models import DESCRIPTION_MAX_LENGTH, Answer, Invitation, ServicePackage, State


class ReasonSerializer(serializers.Serializer):
    text = serializers.CharField()
    points = serializers.IntegerField()


class InvitationSerializer(serializers.ModelSerializer):
    reasons = ReasonSerializer(many=True, read_only=True)
    answer = serializers.ChoiceField(choices=Answer.choices, read_only=True)
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    planned_hours = serializers.DecimalField(max_digits=7, decimal_places=1, read_only=True)
    reported_hours = serializers.DecimalField(
        max_digits=7, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = [
            "organization",
            "score",
            "reasons",
            "answer",
            "services",
            "group_sessions",
            "lectures",
            "outreach_events",
            "planned_hours",
            "capacity",
            "reported_hours",
            "answered_at",
        ]
        read_only_fields = fields


class PackageSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target_group = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    challenges = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    service_language = serializers.ChoiceField(
        source="language", choices=LanguageCode.choices, read_only=True
    )

    class Meta:
        model = ServicePackage
        fields = [
            "id",
            "state",
            "title",
            "municipality",
            "target_group",
            "challenges",
            "service_language",
            "wished_start",
            "wished_end",
            "starts_on",
            "ends_on",
            "created_at",
            "approved_at",
            "closed_at",
        ]
        read_only_fields = fields


class PackageDetailSerializer(PackageSerializer):
    invitations = serializers.SerializerMethodField()
    referrals = serializers.SerializerMethodField()
    outreach = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta(PackageSerializer.Meta):
        fields = [
            *PackageSerializer.Meta.fields,
            "description",
            "plan",
            "evaluation",
            "invitations",
            "referrals",
            "outreach",
            "available_transitions",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(InvitationSerializer(many=True))
    def get_invitations(self, package) -> list[dict]:
        rows = selectors.invitations(package, self._user())
        return InvitationSerializer(rows, many=True).data

    def get_referrals(self, package) -> list[int]:
        """The attributed referrals' numbers, for coordinators and the municipality's contact."""
        user = self._user()
        if not (user.is_coordinator or user.pk in (package.created_by_id, package.contact_id)):
            return []
        return sorted(package.package_referrals.values_list("referral_id", flat=True))

    def get_outreach(self, package) -> list[int]:
        return sorted(package.package_outreach.values_list("activity_id", flat=True))

    def get_available_transitions(self, package) -> list[str]:
        return [a.name for a in PACKAGE_ACTIONS.available(package, self._user())]


class PackageWriteSerializer(serializers.Serializer):
    """A municipality's challenge: a professional's package is for their own municipality."""

    title = serializers.CharField(max_length=200)
    municipality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        required=False,
        help_text="Required of coordinators; a professional's own municipality otherwise.",
    )
    target_group = serializers.SlugRelatedField(
        slug_field="slug", queryset=TargetGroup.objects.filter(is_active=True), required=False
    )
    challenges = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=Challenge.objects.filter(is_active=True),
        required=False,
    )
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    service_language = serializers.ChoiceField(
        source="language", choices=LanguageCode.choices, required=False
    )
    wished_start = BoundedDateSerializerField(required=False)
    wished_end = BoundedDateSerializerField(required=False)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, groups__name="municipal_professional"),
        required=False,
        help_text="A professional of the municipality who approves the package.",
    )

    def validate(self, data):
        start, end = data.get("wished_start"), data.get("wished_end")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"wished_end": [_("The end cannot be before the start.")]}
            )
        return data


class PackageTransitionSerializer(serializers.Serializer):
    """Every action's input; each action takes the fields its registry entry names."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    organizations = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organization.objects.filter(is_active=True), required=False
    )
    services = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.filter(is_active=True), required=False
    )
    group_sessions = serializers.IntegerField(min_value=0, max_value=999, required=False)
    lectures = serializers.IntegerField(min_value=0, max_value=999, required=False)
    outreach_events = serializers.IntegerField(min_value=0, max_value=999, required=False)
    planned_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False
    )
    capacity = serializers.IntegerField(min_value=0, max_value=9999, required=False)
    plan = serializers.CharField(max_length=PLAN_MAX_LENGTH, required=False)
    starts_on = BoundedDateSerializerField(required=False)
    ends_on = BoundedDateSerializerField(required=False)
    referral = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    activity = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0, required=False)


class PackageTransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    package = PackageDetailSerializer()


def _missing(name: str, data: dict) -> dict[str, list[str]]:
    """The fields the action's form requires that the body left out."""
    action = PACKAGE_ACTIONS[name]
    form_fields = action.form.base_fields if action.form else {}
    return {
        field: [_("This field is required.")]
        for field in action.fields
        if field in form_fields and form_fields[field].required and field not in data
    }


class PackageCursorPagination(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 25

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            return None


class PackageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Service packages the caller has a part in (coordinators: every package)."""

    lookup_value_regex = r"\d+"
    serializer_class = PackageSerializer
    pagination_class = PackageCursorPagination
    queryset = ServicePackage.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServicePackage.objects.none()
        return (
            selectors.visible_packages(self.request.user)
            .select_related("municipality", "target_group")
            .prefetch_related("challenges")
            .order_by("-created_at", "-pk")
        )

    def retrieve(self, request, pk=None, format=None):
        package = selectors.get_package_for_user(request.user, pk)
        return Response(PackageDetailSerializer(package, context={"request": request}).data)

    @extend_schema(request=PackageWriteSerializer, responses={201: PackageDetailSerializer})
    def create(self, request):
        """Record a municipality's challenge as a draft package."""
        user = request.user
        if not (getattr(user, "is_coordinator", False) or getattr(user, "is_professional", False)):
            raise exceptions.PermissionDenied(
                _("Only coordinators and municipal professionals can do this.")
            )
        body = PackageWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if getattr(user, "is_coordinator", False) and "municipality" not in data:
            raise exceptions.ValidationError({"municipality": [_("This field is required.")]})
        package = services.package_create(actor=user, challenges=data.pop("challenges", []), **data)
        package = selectors.get_package_for_user(user, package.pk)
        detail = PackageDetailSerializer(package, context={"request": request}).data
        return Response(detail, status=status.HTTP_201_CREATED)

    @extend_schema(request=PackageTransitionSerializer, responses=PackageTransitionResultSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, pk=None, name=None):
        """Take one of the package's actions (`available_transitions` lists the caller's)."""
        if PACKAGE_ACTIONS.get(name, place="detail") is None:
            raise exceptions.NotFound()
        package = selectors.get_package_for_user(request.user, pk)
        body = PackageTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        missing = _missing(name, body.validated_data)
        if missing:
            raise exceptions.ValidationError(missing)
        package = PACKAGE_ACTIONS.call(name, package, request.user, body.validated_data)
        package = selectors.get_package_for_user(request.user, package.pk)
        detail = PackageDetailSerializer(package, context={"request": request}).data
        return Response({"id": package.pk, "state": package.state, "package": detail})
