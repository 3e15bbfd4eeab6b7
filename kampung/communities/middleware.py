from django.utils import timezone


class CommunityTimeMiddleware:
    """Each request starts on the server's clock; a view that resolves a community
    switches to that community's (Community.use_local_time), and it never leaks into
    the next request served by the same thread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
