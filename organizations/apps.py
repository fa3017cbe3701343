from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self):
        # Every select's empty choice reads "— Chọn —" instead of Django's "- Select an option -"
        # (Django reads this module attribute each time it builds a choice list).
        from django.db.models import fields

        from common.forms import EMPTY_CHOICE_LABEL

        fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE_LABEL
