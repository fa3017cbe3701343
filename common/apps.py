from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app shares and none owns: reading and writing .xlsx, the all-or-nothing
    import plumbing, folded text, the audit stamp, read-only admin classes."""

    name = "common"
    verbose_name = _("Common")

    def ready(self):
        from . import lookups  # noqa: F401  (registers `__among`)
