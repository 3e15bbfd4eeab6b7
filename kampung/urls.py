from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kampung import views
from kampung.api import api
from kampung.assets import import_views as asset_import_views
from kampung.assets import views as asset_views
from kampung.audit import views as audit_views
from kampung.communities import views as community_views
from kampung.matching import views as matching_views
from kampung.notices import health as notice_health
from kampung.notices import views as notice_views
from kampung.people import account_views
from kampung.people import login as login_views
from kampung.people import views as people_views
from kampung.workshops import views as workshop_views

community = [
    path("", views.dashboard, name="dashboard"),
    path("people/", people_views.member_list, name="member_list"),
    path("people/new/", people_views.member_create, name="member_create"),
    path("people/me/", people_views.my_record, name="my_record"),
    path("people/<int:member_id>/", people_views.member_detail, name="member_detail"),
    path("people/<int:member_id>/edit/", people_views.member_edit, name="member_edit"),
    path("people/<int:member_id>/role/", people_views.member_role, name="member_role"),
    path("people/<int:member_id>/consents/", people_views.consent_record, name="consent_record"),
    path("people/<int:member_id>/checks/", people_views.check_record, name="check_record"),
    path("checks/<int:check_id>/withdraw/", people_views.check_withdraw, name="check_withdraw"),
    path(
        "consents/<int:consent_id>/withdraw/",
        people_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("tokens/", account_views.token_list, name="token_list"),
    path("tokens/<str:prefix>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("lockouts/", account_views.lockouts, name="lockouts"),
    path("lockouts/clear/", account_views.lockout_clear, name="lockout_clear"),
    path("organisations/", community_views.organisation_list, name="organisation_list"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("assets/", asset_views.asset_map, name="asset_map"),
    path("assets/new/", asset_views.asset_create, name="asset_create"),
    path("assets/import/", asset_import_views.asset_import, name="asset_import"),
    path(
        "assets/import/template.csv",
        asset_import_views.asset_import_template,
        name="asset_import_template",
    ),
    path(
        "assets/import/<str:upload>/",
        asset_import_views.asset_import_preview,
        name="asset_import_preview",
    ),
    path("assets/gaps/", asset_views.asset_gaps, name="asset_gaps"),
    path("assets/<int:asset_id>/", asset_views.asset_detail, name="asset_detail"),
    path("assets/<int:asset_id>/edit/", asset_views.asset_edit, name="asset_edit"),
    path("assets/<int:asset_id>/checked/", asset_views.asset_verify, name="asset_verify"),
    path("timebank/", include("kampung.timebank.urls")),
    path("sharing/", views.sharing_home, name="sharing_home"),
    path("gifts/", include("kampung.sharing.urls")),
    path("fridges/", include("kampung.fridges.urls")),
    path("sessions/", include("kampung.skillshare.urls")),
    path("needs/", matching_views.need_list, name="need_list"),
    path("needs/new/", matching_views.need_create, name="need_create"),
    path("needs/allocate/", matching_views.allocate, name="match_allocate"),
    path("needs/<int:need_id>/", matching_views.need_detail, name="need_detail"),
    path("needs/<int:need_id>/propose/", matching_views.match_propose, name="match_propose"),
    path("needs/<int:need_id>/close/", matching_views.need_close, name="need_close"),
    path("needs/<int:need_id>/kind/", matching_views.need_kind, name="need_kind"),
    path("matches/<int:match_id>/", matching_views.match_detail, name="match_detail"),
    path("matches/<int:match_id>/answer/", matching_views.match_answer, name="match_answer"),
    path("matches/<int:match_id>/share/", matching_views.match_share, name="match_share"),
    path("matches/<int:match_id>/messages/", matching_views.match_message, name="match_message"),
    path("matches/<int:match_id>/progress/", matching_views.match_progress, name="match_progress"),
    path("offers/", matching_views.offer_list, name="offer_list"),
    path("offers/<int:offer_id>/status/", matching_views.offer_status, name="offer_status"),
    path("messages/", notice_views.notifications, name="notifications"),
    path("messages/choices/", notice_views.message_choices, name="message_choices"),
    path(
        "people/<int:member_id>/messages/",
        notice_views.message_choices,
        name="member_message_choices",
    ),
    path("background/", notice_views.background_work, name="background_work"),
    path("background/emails/<int:email_id>/retry/", notice_views.retry_email, name="retry_email"),
    path("workshops/", workshop_views.workshop_list, name="workshop_list"),
    path("workshops/<int:workshop_id>/", workshop_views.workshop_board, name="workshop_board"),
    path(
        "workshops/<int:workshop_id>/live/",
        workshop_views.workshop_board_live,
        name="workshop_board_live",
    ),
    path("workshops/<int:workshop_id>/mark/", workshop_views.workshop_mark, name="workshop_mark"),
    path(
        "workshops/<int:workshop_id>/merge/", workshop_views.workshop_merge, name="workshop_merge"
    ),
    path(
        "workshops/<int:workshop_id>/merge/check/",
        workshop_views.workshop_merge_review,
        name="workshop_merge_review",
    ),
    path(
        "workshops/<int:workshop_id>/publish/",
        workshop_views.workshop_publish,
        name="workshop_publish",
    ),
    path(
        "workshops/<int:workshop_id>/status/",
        workshop_views.workshop_status,
        name="workshop_status",
    ),
    path(
        "workshops/<int:workshop_id>/poster/",
        workshop_views.workshop_poster,
        name="workshop_poster",
    ),
    path(
        "workshops/<int:workshop_id>/items/<int:item_id>/",
        workshop_views.workshop_item_edit,
        name="workshop_item_edit",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("password-reset/", login_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        login_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        login_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        login_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", notice_health.healthz, name="healthz"),
    # The link at the foot of every email: no login, the signed token is the permission.
    path("unsubscribe/<str:token>/", notice_views.unsubscribe, name="unsubscribe"),
    path("c/<slug:slug>/", include(community)),
    # A workshop's session link: participants need no account, only the link.
    path("w/<str:token>/", workshop_views.workshop_join, name="workshop_join"),
    path(
        "w/<str:token>/items/<int:item_id>/withdraw/",
        workshop_views.workshop_withdraw,
        name="workshop_withdraw",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
