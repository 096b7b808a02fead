from django.contrib import admin

from procuracy.assignment.models import Assignment
from procuracy.core.admin import ReadOnlyAdmin


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "org", "kind", "reason", "approved_by", "draw_seq", "valid_from"]
    list_filter = ["kind", "reason"]
    search_fields = ["case__number"]
