"""Consents through the API: recorded by professionals, read by their recorder, withdrawn."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Consent, GiverRole, Method, Scope
from .services import consent_record, consent_withdraw, may_withdraw


class ConsentSerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))

    class Meta:
        model = Consent
        fields = [
            "id", "given_by_role", "given_by_name", "method", "given_at", "valid_until",
            "scopes", "withdrawn_at", "withdrawal_reason",
        ]  # fmt: skip
        read_only_fields = ["id", "withdrawn_at", "withdrawal_reason"]


class ConsentCreateSerializer(serializers.Serializer):
    given_by_role = serializers.ChoiceField(choices=GiverRole.choices)
    given_by_name = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=Method.choices)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices), allow_empty=False
    )
    given_at = serializers.DateTimeField(required=False)
    valid_until = serializers.DateTimeField(required=False)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


def get_consent_for_user(user, pk) -> Consent:
    """The consent if the caller recorded it or may withdraw it, else 404."""
    consent = get_object_or_404(Consent, pk=pk)
    if not may_withdraw(consent, user):
        raise Http404
    return consent


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

    def retrieve(self, request, pk=None):
        return Response(ConsentSerializer(get_consent_for_user(request.user, pk)).data)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = get_consent_for_user(request.user, pk)
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent = consent_withdraw(
            consent=consent, actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(ConsentSerializer(consent).data)
