from django.contrib import admin

from procuracy.core.admin import ReadOnlyAdmin
from procuracy.people.models import Position, Staff


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "employment", "procuratorate", "department", "left_on"]
    list_filter = ["category", "employment"]
    search_fields = ["name", "pinyin", "initials"]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["staff", "kind", "procuratorate", "valid_from", "valid_to"]
    list_filter = ["kind"]
