"""The time bank in the Django admin: everything is read-only here: corrections are
reversals and limits are changed on the site or through the API, where the actions
lock the rows they change."""

from django.contrib import admin

from kampung.timebank.models import Account, Exchange, GroupSession, Posting, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "amount", "balance_after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "community", "description", "created_by")
    list_filter = ("kind", "community")
    search_fields = ("description", "reason")
    inlines = [PostingInline]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("id", "transaction", "account", "amount", "balance_after")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    # Limits are changed on the site (actions.set_limits), which locks the row first.
    list_display = (
        "number",
        "kind",
        "community",
        "balance",
        "lower_limit",
        "upper_limit",
        "is_open",
    )
    list_filter = ("kind", "community", "is_open")
    search_fields = ("number", "member__display_name", "organisation__name")


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_on", "provider", "receiver", "minutes", "status")
    list_filter = ("status", "community")


@admin.register(GroupSession)
class GroupSessionAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_on", "title", "host", "minutes", "basis")
