"""This app's demo data, loaded by `manage.py seed_demo` (must be idempotent)."""


def seed(stdout) -> None:
    pass
