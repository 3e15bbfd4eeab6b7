"""Pages, included under /c/<slug>/fridges/ by kampung/urls.py."""

urlpatterns: list = []
