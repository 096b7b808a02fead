from django.contrib import admin

from procuracy.cases.models import CalendarDay, Case, CaseType, Party
from procuracy.core.admin import ReadOnlyAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "name", "source", "note"]
    list_filter = ["kind", "source"]
    date_hierarchy = "day"


@admin.register(CaseType)
class CaseTypeAdmin(ReadOnlyAdmin):
    list_display = ["number", "code", "name", "word", "stage", "weight"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "procuratorate", "case_type", "status", "received_on", "weight"]
    list_filter = ["status", "case_type"]
    search_fields = ["number", "title"]


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ["case", "role", "name", "in_custody"]
    list_filter = ["role"]
