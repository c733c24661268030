"""The FHIR facade's addresses, from the declaration in `capabilities.RESOURCES`: a type's
search at /fhir/{type}, an instance at /fhir/{type}/{id}, each allowing only its declared
methods; everything else under /fhir/ answers a 404 OperationOutcome."""

from django.urls import path, re_path

from .capabilities import RESOURCES
from .views import VIEWS, MetadataView, UnknownView

app_name = "fhir"
# Database keys (at most 18 digits: a bigint), or a code system's name.
IDS = {"CodeSystem": r"[a-z][a-z-]{0,63}"}

urlpatterns = [path("metadata", MetadataView.as_view(), name="metadata")]
for kind, resource in RESOURCES.items():
    view = VIEWS[kind]
    if "search-type" in resource.interactions:
        urlpatterns.append(
            re_path(rf"^{kind}/?$", view.as_view(http_method_names=["get"]), name=f"{kind}-search")
        )
    urlpatterns.append(
        re_path(
            rf"^{kind}/(?P<pk>{IDS.get(kind, r'[0-9]{1,18}')})/?$",
            view.as_view(http_method_names=list(resource.methods)),
            name=kind,
        )
    )
urlpatterns.append(re_path(r"^.*$", UnknownView.as_view(), name="unknown"))
