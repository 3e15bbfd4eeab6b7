"""Pages, included under /c/<slug>/sessions/ by kampung/urls.py."""

from django.urls import path

from kampung.skillshare import views

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("mine/", views.session_mine, name="session_mine"),
    # The public calendar: this exact path is a contract (people subscribe to it).
    path("calendar.ics", views.session_calendar, name="session_calendar"),
    path("my/<str:secret>.ics", views.session_my_calendar, name="session_my_calendar"),
    path("<int:session_id>/", views.session_detail, name="session_detail"),
    path("<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("<int:session_id>/sign-up/", views.session_sign_up, name="session_sign_up"),
    path(
        "<int:session_id>/sign-ups/<int:signup_id>/cancel/",
        views.session_leave,
        name="session_leave",
    ),
    path(
        "<int:session_id>/sign-ups/<int:signup_id>/answer/",
        views.session_answer,
        name="session_answer",
    ),
    path("<int:session_id>/cancel-date/", views.session_cancel_date, name="session_cancel_date"),
    path("<int:session_id>/attendance/", views.session_attendance, name="session_attendance"),
    path("<int:session_id>/credit/", views.session_credit, name="session_credit"),
]
