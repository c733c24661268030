from django.urls import path

from . import views

app_name = "packages"
urlpatterns = [
    path("packages/", views.package_list, name="list"),
    path("packages/new/", views.package_new, name="new"),
    path("packages/<int:pk>/", views.package_detail, name="detail"),
    path("packages/<int:pk>/<slug:action>/", views.package_action, name="action"),
]
