"""The coordinators' statistics API: the report of `insight.report`, as the page shows it."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import coverage
from . import report as reports
from .forms import CoverageForm, InsightForm
from .period import period_from, scope_from


class ThroughputView(APIView):
    """Every table of the coordinator's report, protected exactly as on screen, in the CSV and
    in the PDF."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("area", str, description="'' = pilot areas, 'all', or a code"),
            OpenApiParameter("organization", int),
            OpenApiParameter("service", int),
            OpenApiParameter("mode", str),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        if not request.user.has_perm("referrals.triage_referral"):
            raise exceptions.NotFound()
        params = request.query_params.copy()
        if params.get("start") or params.get("end"):
            params["period"] = "custom"
        form = InsightForm(params)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        data = form.cleaned_data
        return Response(reports.build(period_from(data), scope_from(data)).as_json())


class CoverageView(APIView):
    """The coverage grid of the service network, as on the page and in its CSV: per
    municipality and service area (or challenge), the services that reach it by reach and
    language, the referrals of the last 12 months (challenge grid, small counts hidden) and
    the gap, Swedish gap and overlap marks."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "grid",
                str,
                enum=list(coverage.GRIDS),
                description="'areas' (family-centre service areas, the default) or 'challenges'",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        if not request.user.has_perm("referrals.triage_referral"):
            raise exceptions.NotFound()
        form = CoverageForm(request.query_params)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(coverage.build(form.kind()).as_json())
