"""Pages of people: the staff list, a staff member's page, and the acts posted from it."""

from django.urls import path

from procuracy.people import views

app_name = "people"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/absences/", views.record_absence, name="record_absence"),
    path("<int:pk>/conflicts/", views.declare_conflict, name="declare_conflict"),
    path("conflicts/<int:pk>/withdraw/", views.withdraw_conflict, name="withdraw_conflict"),
]
