"""The public service catalogue and the organizations, read-only; the token endpoint."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from . import services, two_factor
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
            "id",
            "organization",
            "name_fi",
            "name_sv",
            "name_en",
            "description_fi",
            "description_sv",
            "description_en",
            "target_groups",
            "challenges",
            "availability",
            "municipalities",
            "modes",
            "languages",
            "url",
        ]


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


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=10,
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy(
            "Required for accounts with two-factor authentication (and for coordinators)."
        ),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class ObtainTokenView(ObtainAuthToken):
    """Username and password give a token; an account with a second factor, or one whose role
    requires it, must also send the current code, so the API is no way around it."""

    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Wrong credentials, or a code missing or wrong."
            ),
            429: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Too many wrong codes: wait and try again."
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        code = serializer.validated_data.get("otp_token", "").replace(" ", "")
        step = two_factor.pending_step(user)
        if step == two_factor.SET_UP:
            raise exceptions.ValidationError(
                {
                    "otp_token": [
                        _(
                            "Your role requires two-factor authentication. Set it up on your "
                            "account page first, then send its code as otp_token."
                        )
                    ]
                }
            )
        if step == two_factor.VERIFY:
            if not code:
                raise exceptions.ValidationError(
                    {
                        "otp_token": [
                            _(
                                "This account uses two-factor authentication: send the current "
                                "code from your app as otp_token."
                            )
                        ]
                    }
                )
            try:
                services.totp_device_verify(user=user, token=code)
            except DjangoValidationError as error:
                if error.code == "throttled":
                    raise exceptions.Throttled(
                        wait=error.params["wait"], detail=_("Too many wrong codes.")
                    ) from error
                raise exceptions.ValidationError({"otp_token": error.messages}) from error
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
