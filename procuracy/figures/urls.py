"""The figures page and its JSON download."""

from django.urls import path

from procuracy.figures import views

app_name = "figures"
urlpatterns = [
    path("", views.index, name="index"),
    path("figures.json", views.download, name="json"),
]
