"""The Django admin is a read-only window on the records: every change is an act that goes
through a service function (power check, records, ledger), which the admin's forms would bypass."""

from django.contrib import admin

from procuracy.core.models import Act


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Act)
class ActAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "actor_label", "procuratorate", "occurred_at", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["kind", "actor_label"]
