from django.contrib import admin

from procuracy.core.admin import ReadOnlyAdmin
from procuracy.powers.models import Delegation, Item, ListVersion, Matter, PowerList, Refusal


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ["number", "code", "name", "group"]
    list_filter = ["group"]


@admin.register(PowerList)
class PowerListAdmin(ReadOnlyAdmin):
    list_display = ["title", "procuratorate", "level", "kind"]


@admin.register(ListVersion)
class ListVersionAdmin(ReadOnlyAdmin):
    list_display = ["power_list", "number", "status", "effective_from", "approval_body"]
    list_filter = ["status"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["version", "number", "code", "matter", "holder", "power"]
    list_filter = ["holder", "power"]
    search_fields = ["code", "matter__name"]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["document_no", "procuratorate", "delegate", "matter", "valid_from", "valid_to"]


@admin.register(Refusal)
class RefusalAdmin(ReadOnlyAdmin):
    list_display = ["attempted_at", "actor_label", "act", "procuratorate"]
    list_filter = ["act"]
