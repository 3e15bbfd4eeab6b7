from django.contrib import admin

from kampung.audit.log import record_view
from kampung.people.models import Consent, Member, Support, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "display_name", "is_active", "is_superuser", "last_login")
    search_fields = ("email", "display_name")
    exclude = ("password",)
    readonly_fields = ("last_login", "date_joined")


class SupportInline(admin.TabularInline):
    """The organisations working with this person (a link row keyed by community, so
    edited as rows rather than with a many-to-many picker)."""

    model = Support
    fields = ("organisation",)
    raw_id_fields = ("organisation",)
    extra = 0
    verbose_name = "organisation working with this person"


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Roles are managed here by installation administrators. Personal details are
    not listed, so browsing the list does not expose them."""

    list_display = ("display_name", "community", "role", "organisation", "is_active")
    list_filter = ("community", "role")
    search_fields = ("display_name",)
    raw_id_fields = ("user", "organisation")
    inlines = [SupportInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening the form shows contact details: a staff view of a personal record.
        member = self.get_object(request, object_id)
        if member is not None and request.method == "GET":
            record_view(member, viewer=request.user, reason="Viewed in the admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("member", "purpose", "wording_version", "given_at", "withdrawn_at")
    list_filter = ("purpose",)
    raw_id_fields = ("member", "recorded_by", "withdrawn_by")
