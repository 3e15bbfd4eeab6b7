from django.contrib import admin

from kampung.communities.models import Community, Organisation


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "identifier")
    list_filter = ("kind",)
    search_fields = ("name", "identifier")
    filter_horizontal = ("communities",)
