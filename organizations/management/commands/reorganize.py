from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.xlsx import ImportFailed, parse_date
from organizations.reorganize import Preview, reorganization_apply, reorganization_preview


def preview_lines(preview: Preview) -> list[str]:
    """The preview as text: counts, each operation, what plans and allocation rows it touches."""
    counts = preview.counts
    lines = [
        _("Created: %(created)d, renamed: %(renamed)d, moved: %(moved)d, merged: %(merged)d, dissolved: %(dissolved)d")
        % counts
    ]
    for op in preview.operations:
        day = op.on_date.strftime("%d/%m/%Y") if op.on_date else ""
        lines.append(f"  {op.row:>4}  {day:<10}  {op.description}")
    if preview.plans:
        lines.append(_("Plans issued by organizations merged or dissolved:"))
        lines += [f"  {plan.issuer.code}: {plan}" for plan in preview.plans]
    if preview.allocations:
        lines.append(_("Allocation rows naming organizations that move, merge or dissolve:"))
        lines += [
            f"  {row.rule.plan.issuer.code} {row.rule.plan.first_year}: {row.organization.code} {row.total}"
            for row in preview.allocations
        ]
    if preview.rules:
        lines.append(_("Rules whose target moves, merges or dissolves:"))
        lines += [f"  {rule.plan}: {rule.target.code}" for rule in preview.rules]
    return lines


class Command(BaseCommand):
    help = (
        "Apply a reorganization file (.xlsx: Thao tác, Ngày hiệu lực, Mã, Mã đích, Tên mới, Loại hình, "
        "Lĩnh vực) through the organization services, all rows or none. Prints the preview first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and preview only; change nothing")
        parser.add_argument("--decision", default="", help='e.g. "Quyết định số 1234-QĐ/TW"')
        parser.add_argument("--decision-date", default="", help="dd/mm/yyyy")
        parser.add_argument("--user", default="", help="act as this user, within their administration scope")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        decision_date = None
        if options["decision_date"]:
            decision_date = parse_date(options["decision_date"])
            if decision_date is None:
                raise CommandError(
                    _("unreadable date “%(value)s” (use dd/mm/yyyy)") % {"value": options["decision_date"]}
                )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(_("No active user %(name)s.") % {"name": options["user"]})
        today = timezone.localdate()
        try:
            with path.open("rb") as upload:
                preview = reorganization_preview(upload=upload, today=today, user=user, file_name=path.name)
            self.stdout.write("\n".join(preview_lines(preview)))
            if options["dry_run"]:
                self.stdout.write(_("Dry run: nothing was changed."))
                return
            with path.open("rb") as upload:
                reorganization_apply(
                    upload=upload,
                    today=today,
                    user=user,
                    decision=options["decision"],
                    decision_date=decision_date,
                    file_name=path.name,
                )
        except ImportFailed as exc:
            lines = [_("Nothing was changed: %(n)d error(s).") % {"n": len(exc.errors)}]
            lines += [
                (_("Row %(row)d: %(message)s") % {"row": e.row, "message": e.message}) if e.row else e.message
                for e in exc.errors
            ]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(self.style.SUCCESS(_("Reorganization applied.")))
