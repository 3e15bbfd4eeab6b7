from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kampung import views
from kampung.api import api
from kampung.assets import views as asset_views
from kampung.audit import views as audit_views
from kampung.communities import views as community_views
from kampung.people import views as people_views

community = [
    path("", views.dashboard, name="dashboard"),
    path("people/", people_views.member_list, name="member_list"),
    path("people/new/", people_views.member_create, name="member_create"),
    path("people/me/", people_views.my_record, name="my_record"),
    path("people/<int:member_id>/", people_views.member_detail, name="member_detail"),
    path("people/<int:member_id>/edit/", people_views.member_edit, name="member_edit"),
    path("people/<int:member_id>/role/", people_views.member_role, name="member_role"),
    path("people/<int:member_id>/consents/", people_views.consent_record, name="consent_record"),
    path(
        "consents/<int:consent_id>/withdraw/",
        people_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("organisations/", community_views.organisation_list, name="organisation_list"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("assets/", asset_views.asset_map, name="asset_map"),
    path("assets/new/", asset_views.asset_create, name="asset_create"),
    path("assets/<int:asset_id>/", asset_views.asset_detail, name="asset_detail"),
    path("assets/<int:asset_id>/edit/", asset_views.asset_edit, name="asset_edit"),
    path("assets/<int:asset_id>/checked/", asset_views.asset_verify, name="asset_verify"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="kampung/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("c/<slug:slug>/", include(community)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
