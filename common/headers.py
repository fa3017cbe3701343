"""Response headers for pages and files carrying personal data."""

from django.utils.cache import patch_cache_control


def no_store(response):
    """Neither the browser nor a proxy keeps a copy (shared office computers, caches)."""
    patch_cache_control(response, no_store=True, no_cache=True, must_revalidate=True, private=True, max_age=0)
    return response


class NoStoreMiddleware:
    """Every page carries personal data or scoped figures (or a login form): no-store.

    Static files are answered by WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            no_store(response)
        return response
