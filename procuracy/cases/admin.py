from django.contrib import admin

from procuracy.cases.models import CalendarDay
from procuracy.core.admin import ReadOnlyAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "name", "source", "note"]
    list_filter = ["kind", "source"]
    date_hierarchy = "day"
