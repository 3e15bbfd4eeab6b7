from django.contrib import admin

from kampung.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched and filtered here, never changed."""

    list_display = ("at", "actor", "on_behalf_of", "action", "object_type", "object_id", "via")
    list_filter = ("action", "via", "object_type", "community")
    search_fields = ("summary", "object_id", "actor__email")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
