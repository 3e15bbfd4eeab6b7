"""Pages, included under /c/<slug>/sessions/ by kampung/urls.py."""

urlpatterns: list = []
