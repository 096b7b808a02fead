"""Pages of the organisation: the tree and one procuratorate."""

from django.urls import path

from procuracy.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.procuratorate, name="procuratorate"),
]
