"""Time bank pages, included under /c/<slug>/timebank/ by kampung/urls.py."""

from django.urls import path

from kampung.timebank import views

urlpatterns = [
    path("", views.home, name="timebank_home"),
    path("exchanges/new/", views.exchange_new, name="timebank_exchange_new"),
    path(
        "exchanges/<int:exchange_id>/confirm/",
        views.exchange_confirm,
        name="timebank_exchange_confirm",
    ),
    path(
        "exchanges/<int:exchange_id>/decline/",
        views.exchange_decline,
        name="timebank_exchange_decline",
    ),
    path("give/", views.give, name="timebank_give"),
    path("give/check/", views.give_check, name="timebank_give_check"),
    path("statement/", views.my_statement, name="timebank_my_statement"),
    path("accounts/<str:number>/", views.statement, name="timebank_statement"),
    path(
        "transactions/<int:transaction_id>/",
        views.transaction_detail,
        name="timebank_transaction",
    ),
    path("pool/allocate/", views.allocate, name="timebank_allocate"),
    path("sessions/", views.session_new, name="timebank_sessions"),
    path(
        "sessions/<int:session_id>/confirm/",
        views.session_confirm,
        name="timebank_session_confirm",
    ),
    path(
        "sessions/<int:session_id>/decline/",
        views.session_decline,
        name="timebank_session_decline",
    ),
    path("care/new/", views.care_new, name="timebank_care_new"),
    path("accounts/", views.accounts, name="timebank_accounts"),
    path("accounts/clearing/open/", views.clearing_open, name="timebank_clearing_open"),
    path(
        "organisations/<int:organisation_id>/account/",
        views.organisation_account_open,
        name="timebank_organisation_account_open",
    ),
    path(
        "accounts/<str:number>/settings/",
        views.account_settings,
        name="timebank_account_settings",
    ),
    path("ledger/", views.ledger, name="timebank_ledger"),
    path("reports/", views.reports, name="timebank_reports"),
]
