from django.urls import path

from . import views

urlpatterns = [
    # The public service catalogue ("palvelupaketti"): no login, no personal data.
    path("palvelut/", views.catalogue, name="catalogue"),
    # The person's own account: second factor (TOTP) and password.
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    # The second login step, after the password.
    path("login/code/", views.two_factor_verify, name="two_factor_verify"),
]
