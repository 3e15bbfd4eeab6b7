"""Pages, included under /c/<slug>/gifts/ by kampung/urls.py."""

urlpatterns: list = []
