"""This app's routes in the URL × role matrix (see tests/matrix.py)."""

ROUTES = []


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs)."""
    return {}
