"""The public service catalogue and the organizations, read-only."""

from __future__ import annotations

from rest_framework import permissions, serializers, viewsets

from .filters import ServiceFilter
from .models import Organization, Service


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "name_sv", "slug", "description", "website", "email", "phone"]


class ServiceSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    target_groups = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    challenges = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    municipalities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    modes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id", "organization", "name_fi", "name_sv", "name_en", "description_fi",
            "description_sv", "description_en", "target_groups", "challenges", "availability",
            "municipalities", "modes", "languages", "url",
        ]  # fmt: skip


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue (palvelupaketti): public, no personal data; the filters of /palvelut/."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    queryset = (
        Service.objects.filter(is_active=True, organization__is_active=True)
        .select_related("organization")
        .prefetch_related("target_groups", "challenges", "municipalities", "modes", "languages")
        .order_by("organization__name", "name_fi", "pk")
    )


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.filter(is_active=True).order_by("name", "pk")
