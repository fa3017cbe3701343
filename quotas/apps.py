from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "quotas"

    def ready(self):
        from organizations.reorganize import register_effect

        from .reorganization import reorganization_effect

        # A reorganization's preview lists the plans, allocation rows and rules it touches.
        register_effect(reorganization_effect)
