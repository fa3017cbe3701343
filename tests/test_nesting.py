"""Which form of organization may stand under which (organizations.nesting), on every write
of the tree: the page and service that create, edit, move and merge, the tree import and the
reorganization file. A refused write says why and changes nothing."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from common.xlsx import ImportFailed
from organizations import services
from organizations.imports import tree_import
from organizations.models import Organization, OrganizationPath, OrgForm, Sector
from organizations.nesting import nesting_problem
from organizations.reorganize import reorganization_apply, reorganization_preview

from .conftest import TODAY
from .xlsx_files import xlsx_upload

F = OrgForm
DAY = dt.date(2025, 6, 1)
NO_CHILDREN_VI = "Chi bộ không có tổ chức trực thuộc"


def _state():
    """Everything a refused write must leave as it was: the tree, the past paths, the history."""
    return (
        list(Organization.objects.order_by("pk").values_list("code", "name", "form", "path", "dissolved_on")),
        list(OrganizationPath.objects.order_by("pk").values_list("organization_id", "path")),
        Organization.history.count(),
    )


@pytest.mark.parametrize(
    "parent, child",
    [
        (F.CELL, F.CELL),
        (F.GRASSROOTS_CELL, F.CELL),
        (F.GRASSROOTS_CELL, F.COMMUNE),
        (F.PARTIAL_COMMITTEE, F.PARTIAL_COMMITTEE),
        (F.PARTIAL_COMMITTEE, F.GRASSROOTS_CELL),
        (F.GRASSROOTS_COMMITTEE, F.GRASSROOTS_CELL),
        (F.GRASSROOTS_COMMITTEE, F.GRASSROOTS_COMMITTEE),
        (F.GRASSROOTS_COMMITTEE, F.DISTRICT),
        (F.PROVINCIAL, F.CENTRAL),
        (F.PROVINCIAL, F.PROVINCIAL),
        (F.DISTRICT, F.PROVINCIAL),
    ],
)
def test_what_the_statute_forbids_is_refused(parent, child):
    assert nesting_problem(child, parent)


@pytest.mark.parametrize(
    "parent, child",
    [
        (None, F.CENTRAL),
        (None, F.PROVINCIAL),
        (None, F.DISTRICT),  # a tree kept from a district down
        (F.CENTRAL, F.PROVINCIAL),
        (F.PROVINCIAL, F.DISTRICT),
        (F.PROVINCIAL, F.COMMUNE),
        (F.PROVINCIAL, F.GRASSROOTS_COMMITTEE),
        (F.BLOC, F.GRASSROOTS_CELL),
        (F.COMMUNE, F.GRASSROOTS_COMMITTEE),  # the synthetic data's communes
        (F.COMMUNE, F.GRASSROOTS_CELL),
        (F.DISTRICT, F.GRASSROOTS_CELL),
        (F.GRASSROOTS_COMMITTEE, F.PARTIAL_COMMITTEE),
        (F.GRASSROOTS_COMMITTEE, F.CELL),
        (F.PARTIAL_COMMITTEE, F.CELL),
    ],
)
def test_anything_else_stays_allowed(parent, child):
    assert nesting_problem(child, parent) is None


def test_the_message_reads_as_a_party_office_writes_it():
    with translation.override("vi"):
        assert nesting_problem(F.CELL, F.CELL).startswith(NO_CHILDREN_VI)
        assert nesting_problem(F.CELL, F.GRASSROOTS_CELL).startswith("Chi bộ cơ sở không có tổ chức trực thuộc")
        assert "chi bộ cơ sở" in nesting_problem(F.GRASSROOTS_CELL, F.PARTIAL_COMMITTEE)
    with translation.override("en"):
        assert nesting_problem(F.GRASSROOTS_CELL, F.GRASSROOTS_COMMITTEE) == (
            "A grassroots committee holds only partial committees and cells, not a grassroots cell."
        )


def test_the_add_page_refuses_a_cell_under_a_cell_and_creates_nothing(client_for, tree):
    before = _state()
    response = client_for("admin").post(
        reverse("organizations:add_child", kwargs={"org_pk": tree.cell.pk}),
        {"name": "Tổ đảng 1", "code": "LD.DD.KD.01.1", "form": F.CELL, "sector": Sector.VILLAGE},
    )
    assert response.status_code == 200
    assert NO_CHILDREN_VI in str(response.context["form"].non_field_errors())
    assert _state() == before


def test_the_add_page_still_adds_a_cell_under_a_grassroots_committee(client_for, tree):
    response = client_for("admin").post(
        reverse("organizations:add_child", kwargs={"org_pk": tree.commune.pk}),
        {"name": "Chi bộ Thôn Ka Đô Cũ", "code": "LD.DD.KD.02", "form": F.CELL, "sector": Sector.VILLAGE},
    )
    assert response.status_code == 302
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DD.KD.02")) == tree.commune


def test_a_committee_under_a_grassroots_cell_is_refused(tree):
    before = _state()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.organization_create(
            parent=tree.school, code="X", name="Đảng ủy xã X", form=F.COMMUNE, sector=Sector.COMMUNE
        )
    assert "Chi bộ cơ sở không có tổ chức trực thuộc" in refused.value.messages[0]
    assert _state() == before


def test_a_committee_with_cells_cannot_become_a_cell(client_for, tree):
    before = _state()
    response = client_for("admin").post(
        reverse("organizations:edit", kwargs={"org_pk": tree.commune.pk}),
        {"name": tree.commune.name, "code": tree.commune.code, "form": F.CELL, "sector": Sector.COMMUNE},
    )
    assert response.status_code == 200
    errors = str(response.context["form"].non_field_errors())
    assert tree.cell.name in errors and NO_CHILDREN_VI in errors  # names the child in the way
    assert _state() == before


def test_a_form_the_parent_does_not_allow_is_refused(tree):
    before = _state()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.organization_update(organization=tree.cell, form=F.GRASSROOTS_CELL)
    assert "holds only partial committees and cells" in refused.value.messages[0]
    tree.cell.refresh_from_db()
    assert tree.cell.form == F.CELL
    assert _state() == before
    # a form both allow is fine: the cell becomes a partial committee
    services.organization_update(organization=tree.cell, form=F.PARTIAL_COMMITTEE)
    assert Organization.objects.get(pk=tree.cell.pk).form == F.PARTIAL_COMMITTEE


@pytest.mark.parametrize(
    "moved, new_parent, words",
    [
        ("commune", "school", "Chi bộ cơ sở không có tổ chức trực thuộc"),  # a committee under a grassroots cell
        ("school", "commune", "Đảng bộ cơ sở chỉ có"),  # a grassroots cell under a grassroots committee
        ("city", "cell", NO_CHILDREN_VI),  # a city committee under a cell
        ("other_province", "district", "Tỉnh ủy chỉ trực thuộc Ban Chấp hành Trung ương"),
    ],
)
def test_a_move_the_statute_forbids_is_refused_and_changes_nothing(tree, moved, new_parent, words):
    before = _state()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.organization_move(
            organization=getattr(tree, moved), new_parent=getattr(tree, new_parent), on_date=DAY, today=TODAY
        )
    assert words in refused.value.messages[0]
    assert _state() == before


def test_the_move_page_offers_only_parents_that_may_hold_the_organization(client_for, tree):
    """A grassroots committee is offered the committees above it, never a grassroots cell or a
    cell; an id edited into the form is refused and nothing moves."""
    client = client_for("admin")
    url = reverse("organizations:move", kwargs={"org_pk": tree.commune.pk})
    offered = set(client.get(url).context["form"].fields["new_parent"].queryset)
    assert {tree.province, tree.city} <= offered
    assert not offered & {tree.school, tree.enterprise, tree.cell, tree.city_school}
    before = _state()
    response = client.post(url, {"new_parent": tree.school.pk, "on_date": "2025-06-01"})
    assert response.status_code == 200 and response.context["form"].errors["new_parent"]
    assert _state() == before


def test_the_merge_page_offers_only_organizations_that_may_hold_the_children(client_for, tree):
    """The commune's cell may not stand under a grassroots cell: the school and the
    enterprise are not offered; a childless grassroots cell may merge into either."""
    client = client_for("admin")
    offered = set(
        client.get(reverse("organizations:merge", kwargs={"org_pk": tree.commune.pk}))
        .context["form"]
        .fields["target"]
        .queryset
    )
    assert {tree.district, tree.city} <= offered
    assert not offered & {tree.school, tree.enterprise, tree.city_school}
    offered = set(
        client.get(reverse("organizations:merge", kwargs={"org_pk": tree.city_school.pk}))
        .context["form"]
        .fields["target"]
        .queryset
    )
    assert {tree.school, tree.enterprise} <= offered


def test_a_merge_whose_children_may_not_stand_under_the_target_changes_nothing(tree):
    """The commune's cell would go under a grassroots cell."""
    before = _state()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.organization_merge(source=tree.commune, target=tree.enterprise, on_date=DAY, today=TODAY)
    assert refused.value.messages[0].startswith(f"{tree.cell.name}: Chi bộ cơ sở không có tổ chức trực thuộc")
    assert _state() == before


def test_the_merge_page_refuses_a_target_edited_into_the_form(client_for, tree):
    before = _state()
    response = client_for("admin").post(
        reverse("organizations:merge", kwargs={"org_pk": tree.commune.pk}),
        {"target": tree.enterprise.pk, "on_date": "2025-06-01"},
    )
    assert response.status_code == 200 and response.context["form"].errors["target"]
    assert _state() == before


HEADER = ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã")


def test_a_tree_import_with_a_bad_nesting_names_the_row_and_writes_nothing(users, tree):
    before = _state()
    upload = xlsx_upload(
        [
            HEADER,
            ("", "Đảng bộ xã Lạc Xuân", "Đảng bộ cơ sở", "Xã, phường, thị trấn", "LX"),  # 2: fine
            ("LX", "Chi bộ Thôn Lạc Xuân 1", "Chi bộ", "Thôn, tổ dân phố", "LX.01"),  # 3: fine
            ("LX.01", "Tổ đảng", "Chi bộ", "Thôn, tổ dân phố", "LX.01.1"),  # 4: under a cell of the file
            ("LD.DD.THPT", "Chi bộ lớp 12", "Chi bộ", "Trường THPT", "THPT.12"),  # 5: under a grassroots cell
            ("LX", "Chi bộ cơ sở trong xã", "Chi bộ cơ sở", "Khác", "LX.CS"),  # 6: grassroots cell in a committee
        ]
    )
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        tree_import(upload=upload, under=tree.district, user=users.admin, today=TODAY)
    errors = {e.row: e.message for e in failure.value.errors}
    assert sorted(errors) == [4, 5, 6]
    assert NO_CHILDREN_VI in errors[4]
    assert "Chi bộ cơ sở không có tổ chức trực thuộc" in errors[5]
    assert "Đảng bộ cơ sở chỉ có" in errors[6] and "chi bộ cơ sở" in errors[6]
    assert _state() == before


def test_a_tree_import_checks_the_rows_under_the_page_organization(users, tree):
    upload = xlsx_upload([HEADER, ("", "Chi bộ Thôn Ka Đô Cũ", "Chi bộ", "Thôn, tổ dân phố", "LD.DD.KD.02")])
    created = tree_import(upload=upload, under=tree.commune, user=users.admin, today=TODAY)
    assert [o.code for o in created] == ["LD.DD.KD.02"]
    upload = xlsx_upload([HEADER, ("", "Tổ đảng", "Chi bộ", "Thôn, tổ dân phố", "T1")])
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        tree_import(upload=upload, under=tree.cell, user=users.admin, today=TODAY)
    assert [(e.row, NO_CHILDREN_VI in e.message) for e in failure.value.errors] == [(2, True)]


REORG = ("Thao tác", "Ngày hiệu lực", "Mã", "Mã đích", "Tên mới", "Loại hình", "Lĩnh vực")
JUNE = "01/06/2025"


def test_a_reorganization_file_is_checked_against_the_tree_as_it_would_stand(users, tree):
    before = _state()
    upload = xlsx_upload(
        [
            REORG,
            ("thành lập", JUNE, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),  # 2: fine
            ("sáp nhập", JUNE, "LD.DD.KD", "LD.XKD", "", "", ""),  # 3: fine, the cell goes under LD.XKD
            ("thành lập", JUNE, "LD.XKD.02", "LD.DD.KD.01", "Tổ đảng", "Chi bộ", "Khác"),  # 4: under a cell
            ("chuyển", JUNE, "LD.DD", "LD.DL.TP", "", "", ""),  # 5: a district under a grassroots cell
            ("sáp nhập", JUNE, "LD.DL", "LD.DD.THPT", "", "", ""),  # 6: Đà Lạt's school under a grassroots cell
            ("đổi tên", "", "LD.DD.KD.01", "", "Chi bộ Thôn Ka Đô Mới", "Chi bộ cơ sở", ""),  # 7: fine under LD.XKD
            ("chuyển", JUNE, "NT", "LD", "", "", ""),  # 8: a province under a province
            ("đổi tên", "", "LD.XKD", "", "Chi bộ xã Ka Đô", "Chi bộ", ""),  # 9: holds LD.DD.KD.01 now
        ],
        name="sap-xep.xlsx",
    )
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        reorganization_preview(upload=upload, user=None, today=TODAY)
    errors = {e.row: e.message for e in failure.value.errors}
    assert sorted(errors) == [4, 5, 6, 8, 9]
    assert NO_CHILDREN_VI in errors[4]
    assert "Chi bộ cơ sở không có tổ chức trực thuộc" in errors[5]
    assert errors[6].startswith("“LD.DL.TP”: Chi bộ cơ sở không có tổ chức trực thuộc")
    assert "Tỉnh ủy chỉ trực thuộc Ban Chấp hành Trung ương" in errors[8]
    assert errors[9].startswith("“LD.DD.KD.01”: Chi bộ không có tổ chức trực thuộc")
    with pytest.raises(ImportFailed):
        reorganization_apply(upload=upload, user=None, today=TODAY)
    assert _state() == before


def test_a_tree_stored_before_the_rule_still_shows_and_edits(client_for, tree):
    """The rule applies to writes: a cell already holding a cell (written past the services)
    is shown, and can be renamed; only a change of the tree is checked."""
    bad = Organization.objects.add_child(
        tree.cell, instance=Organization(code="OLD", name="Tổ đảng cũ", form=F.CELL, sector=Sector.VILLAGE)
    )
    client = client_for("admin")
    for org in (tree.cell, bad):
        assert client.get(reverse("organizations:detail", kwargs={"org_pk": org.pk})).status_code == 200
    assert client.get(reverse("organizations:tree")).status_code == 200
    services.organization_update(organization=Organization.objects.get(pk=tree.cell.pk), name="Chi bộ Thôn Ka Đô 1")
    services.organization_update(organization=bad, name="Tổ đảng cũ (đã đổi)")
    assert Organization.objects.get(pk=bad.pk).name == "Tổ đảng cũ (đã đổi)"


def test_check_nesting_lists_what_a_tree_stored_before_the_rule_holds(tree):
    Organization.objects.add_child(
        tree.cell, instance=Organization(code="OLD", name="Tổ đảng cũ", form=F.CELL, sector=Sector.VILLAGE)
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 organization"):
        call_command("check_nesting", stdout=out)
    assert f"OLD Tổ đảng cũ: {NO_CHILDREN_VI}" in out.getvalue()


def test_check_nesting_lists_a_child_that_outlived_its_parent(tree):
    """A database written before a merger or dissolution was refused while a child ended
    later (organizations.services._check_no_child_left) may hold a child standing under
    its parent after the parent's end."""
    import datetime as dt

    Organization.objects.filter(pk=tree.enterprise.pk).update(dissolved_on=dt.date(2024, 5, 21))
    Organization.objects.filter(pk=tree.district.pk).update(dissolved_on=dt.date(2024, 3, 12), merged_into=tree.city)
    Organization.objects.filter(pk__in=[tree.school.pk, tree.commune.pk, tree.cell.pk]).update(
        dissolved_on=dt.date(2024, 3, 12)
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 organization"):
        call_command("check_nesting", stdout=out)
    ended = "sau khi tổ chức này kết thúc hoạt động ngày 12/03/2024"
    expected = f"{tree.enterprise.code} {tree.enterprise.name}: vẫn trực thuộc {tree.district.name} {ended}"
    assert expected in out.getvalue()


def test_check_nesting_finds_nothing_in_a_tree_the_services_wrote(tree):
    out = io.StringIO()
    call_command("check_nesting", stdout=out)
    assert "Every organization stands where its parent's form allows, and within its parent's days." in out.getvalue()


def _breaches() -> list[tuple[str, str]]:
    """(code, problem) of every stored organization standing where the rule allows none."""
    by_path = {o.path: o for o in Organization.objects.all()}
    parents = {o.path: by_path.get(o.parent_path()) for o in by_path.values()}
    return [
        (o.code, problem)
        for o in by_path.values()
        if (problem := nesting_problem(o.form, parents[o.path].form if parents[o.path] else None))
    ]


def test_the_demo_tree_and_its_2025_reorganization_break_no_rule(seeded_demo):
    from django.utils import timezone

    from devdata.reorganization import seed_reorganized

    assert _breaches() == []
    seed_reorganized(io.StringIO(), timezone.localdate())  # through reorganization_apply: checked
    assert Organization.objects.filter(form=F.COMMUNE).exists()
    assert _breaches() == []


def test_the_synthetic_tree_breaks_no_rule(db):
    import io

    from django.core.management import call_command

    call_command("generate_synthetic", "--scale", "tiny", "--seed", "5", "--end-year", "2025", stdout=io.StringIO())
    # communes holding grassroots committees that hold cells, and grassroots cells
    assert Organization.objects.filter(form=F.COMMUNE).exists()
    assert _breaches() == []
