from django.contrib import admin

from procuracy.caseorgs.models import CaseHandlingOrg, Membership
from procuracy.core.admin import ReadOnlyAdmin


@admin.register(CaseHandlingOrg)
class CaseHandlingOrgAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "team_kind", "procuratorate", "department", "valid_from"]
    list_filter = ["kind", "team_kind"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["org", "staff", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
