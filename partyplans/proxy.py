"""The client's address behind the load balancer, for login throttling (django-axes).

Behind N trusted proxies each one appends the address it received the request from to
X-Forwarded-For, so the client is the N-th entry from the right: entries further left
were written by the client itself and prove nothing. With no proxy (the default) the
address is the connection's own, and X-Forwarded-For is ignored.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # The request did not pass through every proxy we expect: trust only the connection.
        return remote
    return forwarded[-count]
