"""Pages, included under /c/<slug>/gifts/ by kampung/urls.py."""

from django.urls import path

from kampung.sharing import views

urlpatterns: list = [
    path("", views.gift_list, name="gift_list"),
    path("new/", views.gift_create, name="gift_create"),
    path("mine/", views.gift_mine, name="gift_mine"),
    path("settings/", views.gift_settings, name="gift_settings"),
    path("no-shows/", views.gift_no_shows, name="gift_no_shows"),
    path("<int:listing_id>/", views.gift_detail, name="gift_detail"),
    path("<int:listing_id>/ask/", views.gift_ask, name="gift_ask"),
    path("<int:listing_id>/choose/", views.gift_choose, name="gift_choose"),
    path("<int:listing_id>/collected/", views.gift_collected, name="gift_collected"),
    path("<int:listing_id>/no-show/", views.gift_no_show, name="gift_no_show"),
    path("<int:listing_id>/withdraw/", views.gift_withdraw, name="gift_withdraw"),
    path("<int:listing_id>/take-down/", views.gift_take_down, name="gift_take_down"),
    path("<int:listing_id>/photos/", views.gift_photos_add, name="gift_photos_add"),
    path("<int:listing_id>/photos/<str:key>.jpg", views.gift_photo, name="gift_photo"),
    path(
        "requests/<int:request_id>/withdraw/",
        views.gift_request_withdraw,
        name="gift_request_withdraw",
    ),
]
