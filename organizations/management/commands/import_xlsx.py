"""Run an .xlsx import exactly as its page does, from the command line.

    python manage.py import_xlsx KIND FILE --org CODE --user USERNAME [--dry-run]

KIND is tree, counts, allocation (with --rule ID), candidates or history. The import
runs as USERNAME: the same scope and role the page requires (an organization outside
the user's scope is reported as not found, as the page's 404), the same checks, all
or nothing. Every bad row is printed as `row N: reason` in the user's language
(Vietnamese, the site's default: no language is stored per user; --language changes
it) and the command exits 1; when the file is good it exits 0 and prints the count
(with --dry-run nothing is saved). These names and options are read by other tools:
keep them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.xlsx import ImportFailed
from organizations import access
from organizations.access import Perm
from organizations.models import Organization

KINDS = ("tree", "counts", "allocation", "candidates", "history")
# The role each import's page requires on the organization of its URL.
PAGE_PERM = {
    "tree": Perm.MANAGE,
    "counts": Perm.EDIT_PLANS,
    "allocation": Perm.EDIT_PLANS,
    "candidates": Perm.EDIT_ADMISSIONS,
    "history": Perm.EDIT_PLANS,
}


class _DryRun(Exception):
    """Raised inside the transaction to undo a good dry run."""


class Command(BaseCommand):
    help = "Import an .xlsx file as its page does: KIND FILE --org CODE --user USERNAME [--dry-run]."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="code of the organization the page is opened on")
        parser.add_argument("--user", required=True, help="the username the import runs as")
        parser.add_argument("--rule", type=int, help="allocation: the id of the allocation table (rule)")
        parser.add_argument("--reason", default="", help="allocation: reason for amending an issued plan")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="language of the messages")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(**options)

    def _handle(self, *, kind, file, org, user, rule, reason, dry_run, **_options):
        try:
            account = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user “{user}”.") from None
        organization = self._organization(account, org, PAGE_PERM[kind])
        if kind == "allocation" and rule is None:
            raise CommandError("allocation needs --rule ID.")
        today = timezone.localdate()
        try:
            upload = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            with transaction.atomic():
                count = self._run(kind, upload, organization, account, today, rule, reason)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(_("%(n)d rows checked: the file is good; nothing saved (dry run).") % {"n": count})
            return
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"row {error.row}: {error.message}")
            raise SystemExit(1) from None
        finally:
            upload.close()
        self.stdout.write(_("%(n)d rows imported.") % {"n": count})

    def _organization(self, user, code: str, perm: Perm) -> Organization:
        """The organization of the page's URL: not found outside the scope (404), refused below the role (403)."""
        found = Organization.objects.filter(code=code).first()
        if found is None or not access.has_perm(user, found, Perm.VIEW):
            raise CommandError(f"No organization with code “{code}” in the scope of this user.")
        if not access.has_perm(user, found, perm):
            raise CommandError(f"The user's role on “{code}” does not allow this import.")
        return found

    def _run(self, kind, upload, organization, user, today, rule_id, reason) -> int:
        if kind == "tree":
            from organizations.imports import tree_import

            return len(tree_import(upload=upload, under=organization, user=user, today=today))
        if kind == "counts":
            from organizations.imports import member_count_import

            return member_count_import(upload=upload, under=organization, user=user, today=today)
        if kind == "candidates":
            from admissions.imports import candidates_import

            return len(candidates_import(upload=upload, under=organization, user=user, today=today))
        if kind == "history":
            from reports.imports import historical_import

            return len(historical_import(upload=upload, under=organization, user=user))
        return self._allocation(upload, organization, user, today, rule_id, reason)

    def _allocation(self, upload, organization, user, today, rule_id, reason) -> int:
        from quotas import selectors
        from quotas.imports import allocation_import
        from quotas.models import PlanStatus, Rule, RuleKind

        plan_pk = Rule.objects.filter(pk=rule_id).values_list("plan_id", flat=True).first()
        try:
            plans = selectors.visible_plans(user).select_related("issuer")
            plan = access.get_visible(user, plans, plan_pk, Perm.EDIT_PLANS, org_field="issuer")
            table = access.get_visible(user, selectors.rules_of(plan), rule_id)
        except Http404:
            raise CommandError(f"No allocation table {rule_id} in the scope of this user.") from None
        except PermissionDenied:
            raise CommandError(f"The user's role does not allow changing allocation table {rule_id}.") from None
        if table.kind != RuleKind.ALLOCATION:
            raise CommandError(f"Rule {rule_id} is not an allocation table.")
        if organization not in (plan.issuer, table.target):
            raise CommandError(f"Allocation table {rule_id} belongs to {plan.issuer.code}, not to {organization.code}.")
        if plan.status != PlanStatus.DRAFT and not reason.strip():
            raise CommandError("The plan is issued: give the reason for amending it with --reason.")
        return allocation_import(upload=upload, rule=table, user=user, today=today, reason=reason)
