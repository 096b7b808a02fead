"""Pages of cases. So far: the working-day calendar."""

from django.urls import path

from procuracy.cases import views

app_name = "cases"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/load/", views.load, name="calendar_load"),
    path("calendar/mark/", views.mark, name="calendar_mark"),
    path("calendar/unmark/", views.unmark, name="calendar_unmark"),
]
