"""Pages of case-handling organisations: one organisation, and the membership acts on it."""

from django.urls import path

from procuracy.caseorgs import views

app_name = "caseorgs"
urlpatterns = [
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/members/", views.add_member, name="add_member"),
    path("<int:pk>/members/<int:membership>/end/", views.end_membership, name="end_membership"),
]
