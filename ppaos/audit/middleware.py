from .context import client_address


class ClientAddressMiddleware:
    """Make the client's address available to `record_audit_event` for this request.

    REMOTE_ADDR only: behind a proxy, configure the proxy to set it (X-Forwarded-For is forgeable).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
