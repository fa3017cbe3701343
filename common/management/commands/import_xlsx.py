"""Run an .xlsx import exactly as its page does, from the command line.

    python manage.py import_xlsx KIND FILE --org CODE --user USERNAME [--dry-run]

KIND is tree, counts, allocation (with --rule ID), candidates or history (each app
registers its own: common.imports.register, in the app's imports module). The import
runs as USERNAME: the same scope and role the page requires (an organization outside
the user's scope is reported as not found, as the page's 404), the same checks, all
or nothing. Every bad row is printed as `row N: reason` in the user's language
(Vietnamese, the site's default: no language is stored per user; --language changes
it) and the command exits 1; when the file is good it exits 0 and prints the count
(with --dry-run nothing is saved). These names and options are read by other tools:
keep them.
"""

import argparse
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.imports import importers, resolve_organization
from common.xlsx import ImportFailed


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (YYYY-MM-DD)") from None


class _DryRun(Exception):
    """Raised inside the transaction to undo a good dry run."""


class Command(BaseCommand):
    help = "Import an .xlsx file as its page does: KIND FILE --org CODE --user USERNAME [--dry-run]."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(importers()))
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="code of the organization the page is opened on")
        parser.add_argument("--user", required=True, help="the username the import runs as")
        parser.add_argument("--rule", type=int, help="allocation: the id of the allocation table (rule)")
        parser.add_argument("--reason", default="", help="allocation: reason for amending an issued plan")
        parser.add_argument(
            "--in-force-from",
            type=_day,
            help="allocation: the day (YYYY-MM-DD) the amendment takes effect in reports; default today",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="language of the messages")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(**options)

    def _handle(self, *, kind, file, org, user, dry_run, **options):
        try:
            account = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No active user “%(user)s”.") % {"user": user}) from None
        importer = importers()[kind]
        organization = resolve_organization(account, org, importer.perm)
        for option in importer.requires:
            if options[option] is None:
                raise CommandError(_("%(kind)s needs --%(option)s ID.") % {"kind": kind, "option": option})
        today = timezone.localdate()
        try:
            upload = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.") % {"file": file, "reason": exc.strerror}
            ) from None
        try:
            with transaction.atomic():
                count = importer.run(
                    upload=upload,
                    organization=organization,
                    user=account,
                    today=today,
                    rule=options["rule"],
                    reason=options["reason"],
                    in_force_from=options["in_force_from"],
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(_("%(n)d rows checked: the file is good; nothing saved (dry run).") % {"n": count})
            return
        except ValidationError as exc:  # an option's value (--in-force-from, a dissolved --org), not a row
            raise CommandError(" ".join(exc.messages)) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"row {error.row}: {error.message}")
            raise SystemExit(1) from None
        finally:
            upload.close()
        self.stdout.write(_("%(n)d rows imported.") % {"n": count})
