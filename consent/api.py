"""Consents through the API: recorded by professionals, read by their recorder, withdrawn.

A coordinator may record a family's withdrawal, so they see the consent, but only what it
covers and for how long: who gave it and why it was withdrawn are the family's data. Every
answer that shows those leaves an access record for each referral made under the consent.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from perhelinja.dates import BoundedDateTimeSerializerField
from referrals.audit import record_accesses
from referrals.models import AccessRecord
from referrals.services import consent_withdraw

from .models import Consent, GiverRole, Method, Scope
from .selectors import get_consent_for_user, may_read_personal
from .services import consent_record

PERSONAL_FIELDS = ("given_by_name", "withdrawal_reason")


class ConsentSerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))

    class Meta:
        model = Consent
        fields = [
            "id",
            "given_by_role",
            "given_by_name",
            "method",
            "given_at",
            "valid_until",
            "scopes",
            "withdrawn_at",
            "withdrawal_reason",
        ]
        read_only_fields = ["id", "withdrawn_at", "withdrawal_reason"]


class ConsentRoutingSerializer(ConsentSerializer):
    """A consent as a coordinator sees it: what it covers and for how long, nobody's name."""

    class Meta(ConsentSerializer.Meta):
        fields = [f for f in ConsentSerializer.Meta.fields if f not in PERSONAL_FIELDS]
        read_only_fields = ["id", "withdrawn_at"]


class ConsentSchema(OpenApiSerializerExtension):
    """In the schema the personal fields are optional: coordinators get a consent without."""

    target_class = ConsentSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = [f for f in schema.get("required", []) if f not in PERSONAL_FIELDS]
        return schema


class ConsentCreateSerializer(serializers.Serializer):
    given_by_role = serializers.ChoiceField(choices=GiverRole.choices)
    given_by_name = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=Method.choices)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices), allow_empty=False
    )
    given_at = BoundedDateTimeSerializerField(required=False)
    valid_until = BoundedDateTimeSerializerField(required=False)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


def consent_answer(request, consent: Consent, *, personal: bool, family) -> dict:
    """The consent as the caller may see it. Showing the family's data is recorded for each
    referral of the `family` (those made under it): the art. 15 report is per family. A
    consent no referral was made under yet has no record to go in, and only its recorder can
    read it (who typed the name in), so that read is not recorded."""
    if not personal:
        return ConsentRoutingSerializer(consent).data
    record_accesses(request, [referral.pk for referral in family], AccessRecord.Channel.API)
    return ConsentSerializer(consent).data


class ConsentViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = ConsentSerializer
    queryset = Consent.objects.none()

    @extend_schema(request=ConsentCreateSerializer, responses=ConsentSerializer)
    def create(self, request):
        body = ConsentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent = consent_record(actor=request.user, **body.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None, format=None):  # format: the .json suffix routes
        consent = get_consent_for_user(request.user, pk)
        personal = may_read_personal(consent, request.user)
        family = consent.referrals.all()
        return Response(consent_answer(request, consent, personal=personal, family=family))

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = get_consent_for_user(request.user, pk)
        # Decided before the withdrawal ends the referrals the caller may be reading through.
        personal = may_read_personal(consent, request.user)
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        withdrawn = consent_withdraw(
            consent=consent, actor=request.user, reason=body.validated_data["reason"]
        )
        family = consent.referrals.all()  # read before the withdrawal: no query more
        return Response(consent_answer(request, withdrawn, personal=personal, family=family))
