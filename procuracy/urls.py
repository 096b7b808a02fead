"""The site's URLs. Every page requires sign-in unless listed in core.public.PUBLIC_URL_NAMES."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("procuracy.core.urls")),
    path("org/", include("procuracy.organisation.urls")),
    path("people/", include("procuracy.people.urls")),
    path("caseorgs/", include("procuracy.caseorgs.urls")),
    path("figures/", include("procuracy.figures.urls")),
    path("ledger/", include("procuracy.ledger.urls")),
    path("powers/", include("procuracy.powers.urls")),
    path("cases/", include("procuracy.cases.urls")),
    path("assignment/", include("procuracy.assignment.urls")),
    path("oversight/", include("procuracy.oversight.urls")),
    path("api/v1/", include("procuracy.api")),
    path("admin/", admin.site.urls),
]
