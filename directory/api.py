"""The public service catalogue and the organizations, read-only; the token endpoint."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services, two_factor
from .authentication import TokenAuthentication
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
    service_areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
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
            "service_areas",
            "availability",
            "municipalities",
            "modes",
            "languages",
            "url",
        ]


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue (palveluhakemisto): public, no personal data; the filters of /palvelut/."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    queryset = (
        Service.objects.filter(is_active=True, organization__is_active=True)
        .select_related("organization")
        .prefetch_related(
            "target_groups",
            "challenges",
            "service_areas",
            "municipalities",
            "modes",
            "languages",
        )
        .order_by("organization__name", "name_fi", "pk")
    )


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.filter(is_active=True).order_by("name", "pk")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True, max_length=150)
    password = serializers.CharField(
        write_only=True, max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=20,
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy(
            "Required for accounts with two-factor authentication (and for coordinators); "
            "one of your backup codes works too."
        ),
    )

    def validate(self, attrs):
        # Through the authentication backends, so that django-axes counts the failures; on
        # Django's request, where AxesMiddleware looks for a lockout to answer 429.
        user = authenticate(
            request=self.context["request"]._request,
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]},
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True)


class ObtainTokenView(APIView):
    """POST: username and password give a token, valid until `expiry`; an account with a second
    factor, or one whose role requires it, must also send the current code, so the API is no way
    around it. DELETE with the token: revokes it (`?all=true`: every token of the person)."""

    serializer_class = TokenRequestSerializer

    def _revoking(self) -> bool:
        # No request while the schema is generated: then the DELETE's view of things.
        return self.request is None or self.request.method == "DELETE"

    def get_authenticators(self):
        if self._revoking():
            return [TokenAuthentication()]
        return []  # the login itself: neither a session (no CSRF) nor an old token counts

    def get_permissions(self):
        if self._revoking():
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Wrong credentials, or a code missing or wrong."
            ),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Too many tokens: revoke one first."
            ),
            429: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Too many wrong codes, or failed logins: wait and try again.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
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
                services.second_factor_verify(user=user, code=code)
            except DjangoValidationError as error:
                if error.code == "throttled":
                    raise exceptions.Throttled(
                        wait=error.params["wait"], detail=_("Too many wrong codes.")
                    ) from error
                raise exceptions.ValidationError({"otp_token": error.messages}) from error
        try:
            instance, token = services.api_token_create(user=user)
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        return Response({"token": token, "expiry": instance.expiry})

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "all",
                OpenApiTypes.BOOL,
                description="Revoke every token of the person, not only this one.",
            )
        ],
        responses={
            204: None,
            401: OpenApiResponse(
                OpenApiTypes.OBJECT, description="No token, or one expired or revoked already."
            ),
        },
    )
    def delete(self, request, *args, **kwargs):
        if request.query_params.get("all") in ("true", "1"):
            services.api_tokens_revoke_all(user=request.user)
        else:
            services.api_token_revoke(user=request.user, token_key=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)
