"""Pages of cases: the queue, intake, a case's page and the transitions posted from it, the
prosecutor's desk (待办); the working-day calendar."""

from django.urls import path

from procuracy.cases import views
from procuracy.cases.forms import TRANSITION_FORMS

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("intake/", views.intake_form, name="intake"),
    path("intake/lines/", views.intake_lines, name="intake_lines"),
    path("<int:pk>/", views.case_detail, name="detail"),
    *(
        path(f"<int:pk>/{name}/", views.transition, {"name": name}, name=name)
        for name in TRANSITION_FORMS
    ),
    path("desk/", views.desk, name="desk"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/load/", views.load, name="calendar_load"),
    path("calendar/mark/", views.mark, name="calendar_mark"),
    path("calendar/unmark/", views.unmark, name="calendar_unmark"),
]
