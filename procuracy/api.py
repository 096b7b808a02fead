"""REST API under /api/v1 (django-ninja)."""

urlpatterns: list = []
