from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from admissions.tally import tallies_rebuilt
        from organizations.signals import organization_merged, organization_refounding, subtree_moved

        from . import entered
        from .models import HistoricalResult
        from .services import refuse_founding_after_results

        # A later founding date is refused while results of years before it are entered.
        organization_refounding.connect(refuse_founding_after_results, dispatch_uid="reports-refounding")

        # Historical results are tallied as admissions are (reports/entered.py).
        pre_save.connect(entered.before_save, sender=HistoricalResult, dispatch_uid="tally-HistoricalResult-pre")
        post_save.connect(entered.after_save, sender=HistoricalResult, dispatch_uid="tally-HistoricalResult-save")
        post_delete.connect(entered.after_delete, sender=HistoricalResult, dispatch_uid="tally-HistoricalResult-delete")
        subtree_moved.connect(entered.subtree_moved, dispatch_uid="tally-entered-subtree-moved")
        organization_merged.connect(entered.organization_merged, dispatch_uid="tally-entered-organization-merged")
        tallies_rebuilt.connect(entered.rebuild, dispatch_uid="tally-entered-rebuilt")

        # Cached engine answers (reports/cache.py) go stale when any data they read changes.
        from admissions.models import Admission, Candidate, Holiday, StepRecord
        from organizations.models import MemberCount, Organization, OrganizationPath
        from quotas.models import Allocation, Plan, Rule, SubQuota

        from .cache import data_changed
        from .dashboard import data_written

        for model in (
            Admission,
            Candidate,
            StepRecord,
            Organization,
            OrganizationPath,
            MemberCount,
            Plan,
            Rule,
            Allocation,
            SubQuota,
            HistoricalResult,
        ):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"attainment-{model.__name__}-save")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"attainment-{model.__name__}-delete")
            # Big dashboards are re-rendered in the background after writes (reports/dashboard.py).
            post_save.connect(data_written, sender=model, dispatch_uid=f"dashboards-{model.__name__}-save")
            post_delete.connect(data_written, sender=model, dispatch_uid=f"dashboards-{model.__name__}-delete")
        # The working-day calendar moves deadlines, hence statuses: every answer is stale.
        # (holidays_seed writes in bulk, without signals: it is run when a board is set up.)
        post_save.connect(data_changed, sender=Holiday, dispatch_uid="attainment-Holiday-save")
        post_delete.connect(data_changed, sender=Holiday, dispatch_uid="attainment-Holiday-delete")
        m2m_changed.connect(data_changed, sender=Plan.implements.through, dispatch_uid="attainment-plan-implements")
        m2m_changed.connect(data_written, sender=Plan.implements.through, dispatch_uid="dashboards-plan-implements")

    def home_section(self, request, today):
        """This app's card on the start page: (template, context), or None when it has none for the user."""
        from .home import section

        return section(request, today)
