from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "quotas"

    def ready(self):
        from organizations.reorganize import register_effect

        from .reorganization import reorganization_effect

        # A reorganization's preview lists the plans, allocation rows and rules it touches.
        register_effect(reorganization_effect)

    def home_section(self, request, today):
        """This app's card on the start page: (template, context), or None when it has none for the user."""
        from .home import section

        return section(request, today)
