"""Pages, included under /c/<slug>/fridges/ by kampung/urls.py."""

from django.urls import path

from kampung.fridges import views

urlpatterns = [
    path("", views.fridge_list, name="fridge_list"),
    path("new/", views.fridge_create, name="fridge_create"),
    # The open feed for other apps (public: no login, public fridges only).
    path("feed.json", views.fridge_feed, name="fridge_feed"),
    # A fridge's QR link: the token is the only credential, no login needed.
    path("r/<str:token>/", views.fridge_public, name="fridge_public"),
    path("r/<str:token>/deposit/", views.fridge_deposit, name="fridge_deposit"),
    path("<int:fridge_id>/", views.fridge_detail, name="fridge_detail"),
    path("<int:fridge_id>/settings/", views.fridge_settings, name="fridge_settings"),
    path("<int:fridge_id>/poster/", views.fridge_poster, name="fridge_poster"),
    path("<int:fridge_id>/log/", views.fridge_log, name="fridge_log"),
    path("<int:fridge_id>/photos/<int:report_id>/", views.fridge_photo, name="fridge_photo"),
    path(
        "<int:fridge_id>/alerts/<int:alert_id>/resolve/",
        views.fridge_alert_resolve,
        name="fridge_alert_resolve",
    ),
    path("<int:fridge_id>/rota/add/", views.fridge_slots_add, name="fridge_slots_add"),
    path(
        "<int:fridge_id>/rota/<int:slot_id>/sign-up/",
        views.fridge_slot_sign_up,
        name="fridge_slot_sign_up",
    ),
    path(
        "<int:fridge_id>/rota/<int:slot_id>/leave/",
        views.fridge_slot_leave,
        name="fridge_slot_leave",
    ),
    path(
        "<int:fridge_id>/rota/<int:slot_id>/done/",
        views.fridge_slot_done,
        name="fridge_slot_done",
    ),
    path(
        "<int:fridge_id>/rota/<int:slot_id>/confirm/",
        views.fridge_slot_confirm,
        name="fridge_slot_confirm",
    ),
]
