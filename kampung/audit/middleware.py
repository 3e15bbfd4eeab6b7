from kampung.audit.context import acting


class AuditActorMiddleware:
    """Attributes every write made while serving a request to the logged-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        via = "api" if request.path.startswith("/api/") else "web"
        if request.path.startswith("/admin/"):
            via = "admin"
        with acting(user, via=via):
            return self.get_response(request)
