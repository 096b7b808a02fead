from django.contrib import admin

from procuracy.core.admin import ReadOnlyAdmin
from procuracy.organisation.models import BusinessLine, Department, Procuratorate


@admin.register(Procuratorate)
class ProcuratorateAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "procuratorate", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "procuratorate__name"]


@admin.register(BusinessLine)
class BusinessLineAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "function", "prosecutes"]
