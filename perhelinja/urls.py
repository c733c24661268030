from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from directory import oidc
from directory import views as directory_views
from perhelinja import views as project_views

admin.site.site_header = "Perhelinja"
admin.site.site_title = "Perhelinja"

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("ping/", project_views.ping, name="ping"),
    path("accessibility/", project_views.accessibility_statement, name="accessibility"),
    path("privacy/", project_views.privacy_notice, name="privacy"),
    path("login/", directory_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    *oidc.urls(),  # single sign-on for staff, only when configured (OIDC_RP_CLIENT_ID)
    path("i18n/setlang/", directory_views.set_language, name="set_language"),
    path("", include("directory.urls")),
    path("", include("referrals.urls")),
    path("", include("appointments.urls")),
    path("", include("evaluation.urls")),
    path("", include("insight.urls")),
    path("", include("packages.urls")),
    path("", include("insight.package_urls")),
    path("", include("perhelinja.lookup_urls")),
    path("", include("referrals.document_urls")),
    path("", include("perhelinja.api_urls")),
    path("fhir/", include("interop.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "perhelinja.views.not_found"
handler500 = "perhelinja.views.server_error"
