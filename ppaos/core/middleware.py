"""Answers to a signed-in user are never stored by the browser or a proxy (PDPA s.37).

Pages and API answers of a signed-in user carry names, national IDs and addresses; a shared
phone's back button or a caching proxy must not keep them. Static files never reach this
middleware (WhiteNoise answers them first) and keep their long cache.
"""

from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInUsers:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: DRF has put the API's authenticated user on the request by now.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response.headers["Pragma"] = "no-cache"
        return response
