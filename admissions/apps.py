from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class AdmissionsConfig(AppConfig):
    name = "admissions"

    def ready(self):
        from organizations.signals import (
            organization_dissolving,
            organization_merged,
            organization_refounding,
            subtree_moved,
        )

        from . import checks, tally  # noqa: F401 (checks registers the system checks)
        from .models import Admission, Candidate
        from .services.admissions import refuse_dissolution_leaving_records, refuse_founding_after_records
        from .services.candidates import transfer_with_merger

        for model in (Admission, Candidate):
            pre_save.connect(tally.before_save, sender=model, dispatch_uid=f"tally-{model.__name__}-pre")
            post_save.connect(tally.after_save, sender=model, dispatch_uid=f"tally-{model.__name__}-save")
            post_delete.connect(tally.after_delete, sender=model, dispatch_uid=f"tally-{model.__name__}-delete")
        subtree_moved.connect(tally.subtree_moved, dispatch_uid="tally-subtree-moved")
        organization_merged.connect(tally.organization_merged, dispatch_uid="tally-organization-merged")
        # After the tallies' receiver, which reads the merged organization's candidates where they were.
        organization_merged.connect(transfer_with_merger, dispatch_uid="admissions-candidates-merged")
        organization_dissolving.connect(refuse_dissolution_leaving_records, dispatch_uid="admissions-dissolving")
        organization_refounding.connect(refuse_founding_after_records, dispatch_uid="admissions-refounding")

    def home_section(self, request, today):
        """This app's card on the start page: (template, context), or None when it has none for the user."""
        from .home import section

        return section(request, today)
