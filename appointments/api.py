"""Shifts, free slots, appointments and outcome reports through the API (/api/v1/).

The same services as the worker's pages: a shift, a booking, a transition or an outcome made
here passes the same checks and writes the same audit rows. Appointments and shifts are the
business of the organization's own workers; to anyone else they do not exist (404).
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from consent.models import Consent, Scope
from directory.models import ModeCode, Organization, OutcomeTheme, ReceptionSite
from directory.models import User as UserModel
from perhelinja.dates import (
    BoundedDateField,
    BoundedDateSerializerField,
    validate_date_in_window,
)
from perhelinja.filters import UTCDateTimeFilter
from referrals.audit import record_accesses
from referrals.models import SHARED_STATES, AccessRecord

from . import services
from .actions import APPOINTMENT_ACTIONS
from .models import (
    ACTIVE_STATES,
    Appointment,
    AppointmentState,
    NextStep,
    OutcomeReport,
    ServiceGiven,
    Shift,
    Slot,
)

ONE_DAY = datetime.timedelta(days=1)

# The actions a worker takes on an appointment (the family's own go through its link).
API_ACTIONS = APPOINTMENT_ACTIONS.in_place("detail")


def _is_worker(user) -> bool:
    return bool(getattr(user, "is_worker", False) and user.organization_id)


class OwnOrganizationMixin:
    """Rows of the caller's organization for its workers; none for anyone else (nor for the
    schema generator). Each viewset says which rows with `organization_rows`."""

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not _is_worker(user):
            return self.queryset.none()
        return self.organization_rows(user.organization_id)


# --- shifts ----------------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "09:00"}
)
class WallTimeField(serializers.TimeField):
    """Local wall-clock time (Europe/Helsinki) without an offset, which OpenAPI's "time"
    format would require."""


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shift
        fields = [
            "id",
            "organization",
            "worker",
            "mode",
            "site",
            "first_day",
            "start_time",
            "end_time",
            "rrule",
            "repeat_until",
            "slot_minutes",
            "buffer_minutes",
            "cancelled_at",
            "cancel_reason",
            "created_at",
        ]
        read_only_fields = fields

    start_time = WallTimeField(read_only=True)
    end_time = WallTimeField(read_only=True)


class ShiftCreateSerializer(serializers.Serializer):
    worker = serializers.PrimaryKeyRelatedField(
        queryset=UserModel.objects.none(),
        required=False,
        help_text="A worker of the caller's organization; the caller when left out.",
    )
    mode = serializers.ChoiceField(choices=ModeCode.choices)
    site = serializers.PrimaryKeyRelatedField(
        queryset=ReceptionSite.objects.filter(is_active=True), required=False, allow_null=True
    )
    first_day = BoundedDateSerializerField()
    start_time = WallTimeField()
    end_time = WallTimeField()
    rrule = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="FREQ=WEEKLY with INTERVAL 1 or 2 and BYDAY weekdays (MO…SU), or "
        "FREQ=MONTHLY with one BYDAY weekday of the month (1MO…4MO, -1MO for the last).",
    )
    repeat_until = BoundedDateSerializerField(
        required=False, allow_null=True, help_text="At most a year after first_day."
    )
    slot_minutes = serializers.IntegerField(min_value=10, max_value=240, default=45)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=120, default=15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent when the schema is generated
        user = request.user if request is not None else None
        if user is None:
            return
        self.fields["worker"].queryset = (
            UserModel.objects.filter(organization_id=user.organization_id, is_active=True)
            if user.organization_id
            else UserModel.objects.none()
        )

    def validate_first_day(self, day):
        if day < timezone.localdate():
            raise serializers.ValidationError(_("Choose today or a later day."))
        return day

    def validate(self, data):
        if "end_time" in data and "start_time" in data and data["end_time"] <= data["start_time"]:
            raise serializers.ValidationError(
                {"end_time": [_("The shift must end after it starts.")]}
            )
        return data


class ShiftCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ShiftViewSet(
    OwnOrganizationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The reception shifts of the caller's organization (workers only)."""

    lookup_value_regex = r"\d+"

    serializer_class = ShiftSerializer
    queryset = Shift.objects.none()

    def organization_rows(self, organization_id):
        return Shift.objects.filter(organization_id=organization_id).order_by(
            "-first_day", "-start_time", "-pk"
        )

    @extend_schema(request=ShiftCreateSerializer, responses={201: ShiftSerializer})
    def create(self, request):
        if not _is_worker(request.user):
            raise exceptions.PermissionDenied(_("Only organization workers plan shifts."))
        body = ShiftCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        worker = data.pop("worker", request.user)
        shift = services.shift_create(actor=request.user, worker=worker, **data)
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShiftCancelSerializer, responses=ShiftSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        shift = self.get_object()
        body = ShiftCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        shift = services.shift_cancel(
            shift=shift, actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(ShiftSerializer(shift).data)


# --- free slots ------------------------------------------------------------------------------


class SlotSerializer(serializers.ModelSerializer):
    mode = serializers.CharField(source="shift.mode", read_only=True)
    site = serializers.IntegerField(source="shift.site_id", read_only=True, allow_null=True)
    municipality = serializers.CharField(
        source="shift.site.municipality.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Slot
        fields = ["id", "organization", "starts_at", "ends_at", "mode", "site", "municipality"]
        read_only_fields = fields


class BoundedDateFilter(django_filters.DateFilter):
    """A day within the window (`perhelinja.dates`): a day after it would overflow."""

    field_class = BoundedDateField


class SlotFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(queryset=Organization.objects.all())
    municipality = django_filters.CharFilter(
        field_name="shift__site__municipality__code",
        help_text="Code of the municipality of the reception site.",
    )
    mode = django_filters.ChoiceFilter(field_name="shift__mode", choices=ModeCode.choices)
    date = BoundedDateFilter(method="on_date", help_text="Local day (Europe/Helsinki).")

    class Meta:
        model = Slot
        fields = ["organization", "municipality", "mode", "date"]

    def on_date(self, queryset, name, value):
        start = timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
        end = timezone.make_aware(datetime.datetime.combine(value, datetime.time()) + ONE_DAY)
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)


class SlotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Future times no active appointment holds. Times only: no worker, no family."""

    serializer_class = SlotSerializer
    filterset_class = SlotFilter

    def get_queryset(self):
        taken = Appointment.objects.filter(slot=OuterRef("pk"), state__in=ACTIVE_STATES)
        return (
            Slot.objects.filter(
                cancelled=False, starts_at__gt=timezone.now(), organization__is_active=True
            )
            .exclude(Exists(taken))
            .select_related("shift__site__municipality")
            .order_by("starts_at", "pk")
        )


# --- appointments ----------------------------------------------------------------------------


class AppointmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = [
            "id",
            "referral",
            "slot",
            "worker",
            "organization",
            "starts_at",
            "ends_at",
            "mode",
            "site",
            "state",
            "needs_rebooking",
            "rescheduled_from",
        ]
        read_only_fields = fields


class AppointmentDetailSerializer(AppointmentSerializer):
    available_transitions = serializers.SerializerMethodField()

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "available_transitions"]
        read_only_fields = fields

    def get_available_transitions(self, appointment) -> list[str]:
        user = self.context["request"].user
        return [a.name for a in APPOINTMENT_ACTIONS.available(appointment, user, API_ACTIONS)]


class BookSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1)
    referral = serializers.IntegerField(min_value=1)


class AppointmentTransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AppointmentFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=AppointmentState.choices)
    referral = django_filters.NumberFilter()
    starts_after = UTCDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", validators=[validate_date_in_window]
    )
    starts_before = UTCDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", validators=[validate_date_in_window]
    )

    class Meta:
        model = Appointment
        fields = ["state", "referral", "starts_after", "starts_before"]


class AppointmentViewSet(
    OwnOrganizationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Appointments of the caller's organization; booking a free slot for a referral it holds."""

    lookup_value_regex = r"\d+"

    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    queryset = Appointment.objects.none()

    def organization_rows(self, organization_id):
        return Appointment.objects.filter(organization_id=organization_id).order_by(
            "-starts_at", "-pk"
        )

    def retrieve(self, request, pk=None, format=None):  # format: the .json suffix routes
        appointment = services.get_appointment_for_user(request.user, pk)
        return Response(AppointmentDetailSerializer(appointment, context={"request": request}).data)

    @extend_schema(
        request=BookSerializer,
        responses={201: AppointmentDetailSerializer},
        description="Book a free slot for a referral the caller's organization holds. "
        "409 when the slot was taken first; the answer then lists free alternatives.",
    )
    def create(self, request):
        body = BookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = services.get_handled_referral_for_user(
            request.user, body.validated_data["referral"]
        )
        slot = Slot.objects.filter(
            pk=body.validated_data["slot"], organization_id=request.user.organization_id
        ).first()
        if slot is None:
            raise exceptions.ValidationError({"slot": [_("Choose a free time.")]})
        try:
            appointment = services.appointment_book(
                referral=referral, slot=slot, actor=request.user
            )
        except services.SlotUnavailable as exc:
            return Response(
                {
                    "detail": exc.messages,
                    "alternatives": SlotSerializer(exc.alternatives, many=True).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            AppointmentDetailSerializer(appointment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=AppointmentTransitionSerializer, responses=AppointmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, pk=None, name=None):
        appointment = services.get_appointment_for_user(request.user, pk)
        if APPOINTMENT_ACTIONS.get(name) not in API_ACTIONS:
            raise exceptions.NotFound()
        body = AppointmentTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appointment = APPOINTMENT_ACTIONS.call(name, appointment, request.user, body.validated_data)
        appointment = services.get_appointment_for_user(request.user, appointment.pk)
        return Response(AppointmentDetailSerializer(appointment, context={"request": request}).data)


# --- outcomes --------------------------------------------------------------------------------


class OutcomeSerializer(serializers.ModelSerializer):
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = OutcomeReport
        fields = [
            "id",
            "referral",
            "service_given",
            "sessions",
            "next_step",
            "themes",
            "onward_organization",
            "onward_referral",
            "summary_for_referrer",
            "created_at",
        ]
        read_only_fields = fields


class OutcomeCreateSerializer(serializers.Serializer):
    referral = serializers.IntegerField(min_value=1)
    service_given = serializers.ChoiceField(choices=ServiceGiven.choices)
    sessions = serializers.IntegerField(min_value=0, max_value=1000)
    next_step = serializers.ChoiceField(choices=NextStep.choices)
    themes = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=OutcomeTheme.objects.filter(is_active=True),
    )
    summary_for_referrer = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    onward_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True), required=False, allow_null=True
    )


class OutcomeViewSet(
    OwnOrganizationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Outcome reports of the caller's organization; reporting one completes the referral."""

    lookup_value_regex = r"\d+"

    serializer_class = OutcomeSerializer
    queryset = OutcomeReport.objects.none()

    def organization_rows(self, organization_id):
        return (
            # Only while the referral shares the family's data with the organization.
            OutcomeReport.objects.filter(
                referral__organization_id=organization_id,
                referral__state__in=SHARED_STATES,
                referral__consent__in=Consent.objects.valid_for(Scope.SHARE_REFERRAL),
            )
            .prefetch_related("themes")
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        """A page of outcome reports, with an access record for each one's referral (the
        summary for the referrer is the family's data) in one insert."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(page, many=True).data
        record_accesses(request, [report.referral_id for report in page], AccessRecord.Channel.API)
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        record_accesses(request, [report.referral_id], AccessRecord.Channel.API)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=OutcomeCreateSerializer, responses={201: OutcomeSerializer})
    def create(self, request):
        body = OutcomeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        referral = services.get_handled_referral_for_user(request.user, data.pop("referral"))
        report = services.outcome_report(referral=referral, actor=request.user, **data)
        return Response(OutcomeSerializer(report).data, status=status.HTTP_201_CREATED)
