import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations import selectors, services
from organizations.models import Organization, OrganizationPath, OrgForm, Sector

from .conftest import TODAY, takes_cells


def test_tree_page_starts_at_the_users_own_organization(client_for, tree):
    response = client_for("district_planner").get(reverse("organizations:tree"))
    assert response.status_code == 200
    ((root, children),) = response.context["roots"]
    assert root == tree.district
    # Opened at the user's level with its children shown, without a click.
    assert [c.name for c in children] == [
        "Chi bộ Công ty TNHH Đồng Thúy",
        "Chi bộ Trường THPT Đơn Dương",
        "Đảng bộ xã Ka Đô",
    ]
    page = response.content.decode()
    assert "Tỉnh ủy Ninh Thuận" not in page
    assert "<details open>" in page and "Đảng bộ xã Ka Đô" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("don duong", "Chi bộ Trường THPT Đơn Dương"),
        ("DON DUONG", "Huyện ủy Đơn Dương"),
        ("da lat", "Thành ủy Đà Lạt"),
        ("ka do moi", "Chi bộ Thôn Ka Đô Mới"),
        ("Đà Lạt", "Thành ủy Đà Lạt"),
    ],
)
def test_search_ignores_diacritics_and_case(client_for, tree, query, expected):
    response = client_for("province_planner").get(reverse("organizations:tree"), {"q": query})
    names = [org.name for org, _chain in response.context["results"]]
    assert expected in names


def test_search_never_returns_organizations_outside_the_scope(client_for, tree):
    response = client_for("outsider").get(reverse("organizations:tree"), {"q": "don duong"})
    assert response.context["results"] == []
    response = client_for("outsider").get(reverse("organizations:tree"), {"q": "phan rang"})
    assert [o.code for o, _c in response.context["results"]] == ["NT.PR"]


def test_search_results_show_the_parent_chain(client_for, tree):
    response = client_for("province_planner").get(reverse("organizations:tree"), {"q": "ka do moi"})
    ((org, chain),) = response.context["results"]
    assert [a.name for a in chain] == ["Tỉnh ủy Lâm Đồng", "Huyện ủy Đơn Dương", "Đảng bộ xã Ka Đô"]


def test_expanding_a_node_lists_its_children(client_for, tree):
    response = client_for("viewer").get(reverse("organizations:children", kwargs={"org_pk": tree.district.pk}))
    assert [c.name for c in response.context["children"]] == [
        "Chi bộ Công ty TNHH Đồng Thúy",
        "Chi bộ Trường THPT Đơn Dương",
        "Đảng bộ xã Ka Đô",
    ]


def test_organization_page_shows_form_sector_chain_children_and_members(client_for, tree):
    response = client_for("viewer").get(reverse("organizations:detail", kwargs={"org_pk": tree.school.pk}))
    body = response.content.decode()
    assert response.context["members"] == 27
    assert "Chi bộ cơ sở" in body and "Trường THPT" in body
    chain = [a.name for a, _visible in response.context["chain"]]
    assert chain == ["Tỉnh ủy Lâm Đồng", "Huyện ủy Đơn Dương"]
    # The viewer holds Đơn Dương: the province is shown in the chain but not linked.
    assert dict((a.code, v) for a, v in response.context["chain"]) == {"LD": False, "LD.DD": True}


def test_organization_page_query_count_does_not_grow_with_children(client_for, tree):
    client = client_for("admin")
    url = reverse("organizations:detail", kwargs={"org_pk": tree.district.pk})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        services.organization_create(
            parent=Organization.objects.get(pk=tree.district.pk),
            code=f"X{i}",
            name=f"Chi bộ {i}",
            form=OrgForm.GRASSROOTS_CELL,
            sector=Sector.AGENCY,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["children"]) == 15
    assert len(many) == len(few)


def test_admin_creates_and_edits_an_organization(client_for, tree):
    client = client_for("admin")
    response = client.post(
        reverse("organizations:add_child", kwargs={"org_pk": tree.commune.pk}),
        {"name": "Chi bộ Thôn Ka Đô Cũ", "code": "LD.DD.KD.02", "form": OrgForm.CELL, "sector": Sector.VILLAGE},
    )
    child = Organization.objects.get(code="LD.DD.KD.02")
    assert response.status_code == 302
    assert Organization.objects.get_parent(child) == tree.commune
    client.post(
        reverse("organizations:edit", kwargs={"org_pk": child.pk}),
        {"name": "Chi bộ Thôn Ka Đô Cũ 2", "code": "LD.DD.KD.02", "form": OrgForm.CELL, "sector": Sector.VILLAGE},
    )
    child.refresh_from_db()
    assert child.name == "Chi bộ Thôn Ka Đô Cũ 2"
    assert child.history.count() == 2  # audited: created, then edited
    assert child.history.first().history_user.username == "admin"


def test_duplicate_code_is_refused_with_a_message(client_for, tree):
    response = client_for("admin").post(
        reverse("organizations:add_child", kwargs={"org_pk": tree.commune.pk}),
        {"name": "X", "code": tree.cell.code, "form": OrgForm.CELL, "sector": Sector.VILLAGE},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_move_keeps_the_old_position_for_past_reports(tree):
    services.organization_move(
        organization=tree.commune, new_parent=tree.city, on_date=dt.date(2025, 7, 1), today=TODAY.replace(month=12)
    )
    tree.commune.refresh_from_db()
    tree.cell.refresh_from_db()
    assert Organization.objects.get_parent(tree.commune) == tree.city
    assert tree.cell.path.startswith(tree.city.path)
    # Before the move both sat under Đơn Dương: the tree as it was.
    past = {p.organization_id: p.path for p in OrganizationPath.objects.all()}
    assert past[tree.commune.pk].startswith(tree.district.path)
    assert past[tree.cell.pk].startswith(tree.district.path)
    as_of = dict(Organization.objects.annotate(p=selectors.path_as_of(dt.date(2025, 3, 1))).values_list("pk", "p"))
    assert as_of[tree.cell.pk].startswith(tree.district.path)
    now = dict(Organization.objects.annotate(p=selectors.path_as_of(dt.date(2025, 8, 1))).values_list("pk", "p"))
    assert now[tree.cell.pk].startswith(tree.city.path)


def test_a_second_move_records_the_interval_between_moves(tree):
    services.organization_move(organization=tree.school, new_parent=tree.city, on_date=dt.date(2025, 2, 1), today=TODAY)
    services.organization_move(
        organization=tree.school, new_parent=tree.other_city, on_date=dt.date(2025, 5, 1), today=TODAY
    )
    expr = selectors.path_as_of

    def where(day):
        return Organization.objects.annotate(p=expr(day)).get(pk=tree.school.pk).p

    assert where(dt.date(2025, 1, 15)).startswith(tree.district.path) and len(where(dt.date(2025, 1, 15))) == 12
    assert where(dt.date(2025, 3, 1)).startswith(tree.city.path)
    assert where(dt.date(2025, 6, 1)).startswith(tree.other_city.path)


@pytest.mark.parametrize("bad", ["own_subtree", "future", "same_parent"])
def test_invalid_moves_are_refused(tree, bad):
    kwargs = {"organization": tree.commune, "new_parent": tree.city, "on_date": dt.date(2025, 1, 1), "today": TODAY}
    if bad == "own_subtree":
        kwargs["new_parent"] = tree.cell
    elif bad == "future":
        kwargs["on_date"] = TODAY + dt.timedelta(days=1)
    else:
        kwargs["new_parent"] = tree.district
    with pytest.raises(ValidationError):
        services.organization_move(**kwargs)
    assert not OrganizationPath.objects.exists()


def test_move_form_offers_only_organizations_the_admin_may_manage(client_for, tree):
    response = client_for("admin").get(reverse("organizations:move", kwargs={"org_pk": tree.commune.pk}))
    choices = set(response.context["form"].fields["new_parent"].queryset.values_list("code", flat=True))
    assert "NT" not in choices and tree.cell.code not in choices and tree.city.code in choices
    # An id from outside the scope posted anyway is rejected by the form.
    response = client_for("admin").post(
        reverse("organizations:move", kwargs={"org_pk": tree.commune.pk}),
        {"new_parent": tree.other_city.pk, "on_date": "2025-01-01"},
    )
    assert response.status_code == 200 and "new_parent" in response.context["form"].errors
    tree.commune.refresh_from_db()
    assert Organization.objects.get_parent(tree.commune) == tree.district


def test_merge_moves_children_and_dissolves_the_source(tree):
    takes_cells(tree.enterprise)
    services.organization_merge(source=tree.commune, target=tree.enterprise, on_date=dt.date(2025, 4, 1), today=TODAY)
    tree.commune.refresh_from_db()
    tree.cell.refresh_from_db()
    assert tree.commune.dissolved_on == dt.date(2025, 4, 1)
    assert tree.commune.merged_into == tree.enterprise
    assert Organization.objects.get_parent(tree.cell) == tree.enterprise
    assert Organization.objects.filter(pk=tree.commune.pk).exists()  # never deleted


@pytest.mark.parametrize("change", ["merge", "dissolve"])
def test_a_parent_cannot_end_before_a_child_that_ended_later(tree, change):
    """Entered out of order: the enterprise's dissolution on 21/05/2024 first, then its
    district merged into the city (or dissolved) from 12/03/2024. A merger moves only the
    children still standing, so from 12/03 to 20/05 the enterprise would stand under a
    district that had ended, and the province's report of those days would count its
    admissions under no row (the figures oracle found it). Refused, naming the child and
    the first day the change can take; dated from it, accepted."""
    from admissions.models import Admission
    from tests.test_reports_engine import admit

    admit(tree.enterprise, dt.date(2024, 3, 29))
    services.organization_dissolve(organization=tree.enterprise, on_date=dt.date(2024, 5, 21), today=TODAY)
    end = (
        (lambda day: services.organization_merge(source=tree.district, target=tree.city, on_date=day, today=TODAY))
        if change == "merge"
        else (lambda day: services.organization_dissolve(organization=tree.district, on_date=day, today=TODAY))
    )
    if change == "dissolve":  # its other children first, from the same day
        for child in (tree.cell, tree.school):
            services.organization_dissolve(organization=child, on_date=dt.date(2024, 5, 21), today=TODAY)
        Admission.objects.all().delete()
        services.organization_dissolve(organization=tree.commune, on_date=dt.date(2024, 5, 21), today=TODAY)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        end(dt.date(2024, 3, 12))
    assert f"stood under {tree.district.name} until it ended on 21/05/2024" in str(refused.value)
    assert "Date the change from 21/05/2024" in str(refused.value)  # the last of its children's ends
    tree.district.refresh_from_db()
    assert tree.district.dissolved_on is None
    end(dt.date(2024, 5, 21))
    tree.district.refresh_from_db()
    assert tree.district.dissolved_on == dt.date(2024, 5, 21)


def test_dissolving_with_active_children_is_refused_and_changes_nothing(client_for, tree):
    response = client_for("admin").post(
        reverse("organizations:dissolve", kwargs={"org_pk": tree.commune.pk}), {"on_date": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "still has active child organizations" in str(
        response.context["form"].non_field_errors()
    ) or "còn tổ chức trực thuộc" in str(response.context["form"].non_field_errors())
    tree.commune.refresh_from_db()
    assert tree.commune.dissolved_on is None


def test_dissolve_a_leaf(client_for, tree):
    response = client_for("admin").post(
        reverse("organizations:dissolve", kwargs={"org_pk": tree.cell.pk}), {"on_date": "2025-01-01"}
    )
    assert response.status_code == 302
    tree.cell.refresh_from_db()
    assert tree.cell.dissolved_on == dt.date(2025, 1, 1)


def test_member_count_is_entered_and_audited(client_for, tree):
    response = client_for("district_planner").post(
        reverse("organizations:add_count", kwargs={"org_pk": tree.cell.pk}), {"as_of": "2025-06-01", "members": "11"}
    )
    assert response.status_code == 302
    count = tree.cell.member_counts.get(as_of=dt.date(2025, 6, 1))
    assert count.members == 11
    assert count.history.first().history_user.username == "district_planner"


def test_negative_member_count_is_refused(client_for, tree):
    response = client_for("district_planner").post(
        reverse("organizations:add_count", kwargs={"org_pk": tree.cell.pk}), {"as_of": "2025-06-01", "members": "-3"}
    )
    assert response.status_code == 200
    assert not tree.cell.member_counts.filter(as_of=dt.date(2025, 6, 1)).exists()


def test_subtree_counts_group_by_path_prefix_in_one_query(tree, django_assert_num_queries):
    rows = Organization.objects.all()
    with django_assert_num_queries(1):
        counts = selectors.subtree_counts(rows, tree.province, path_field="path")
    assert counts[tree.district.path] == 5  # the district, its school, commune, cell, enterprise
    assert counts[tree.city.path] == 2
    assert counts[tree.province.path] == 1


def test_a_move_dated_before_a_later_move_under_it_is_refused_and_changes_nothing(tree):
    """The cell joined Đà Lạt on 01/03; Đà Lạt cannot then be moved as of 01/02: the
    cell's path history between those days would say it sat under Đà Lạt."""
    services.organization_move(organization=tree.cell, new_parent=tree.city, on_date=dt.date(2025, 3, 1), today=TODAY)
    with translation.override("vi"), pytest.raises(ValidationError) as refusal:
        services.organization_move(
            organization=tree.city, new_parent=tree.other_province, on_date=dt.date(2025, 2, 1), today=TODAY
        )
    assert refusal.value.messages == [
        "Chi bộ Thôn Ka Đô Mới, thuộc tổ chức này, đã được chuyển ngày 01/03/2025;"
        " không thể ghi ngày chuyển tổ chức trước ngày đó."
    ]
    tree.city.refresh_from_db()
    assert Organization.objects.get_parent(tree.city) == tree.province
    assert OrganizationPath.objects.count() == 1  # the cell's own move only
    # The same day as the cell's move, or later, is a move like any other.
    services.organization_move(
        organization=tree.city, new_parent=tree.other_province, on_date=dt.date(2025, 3, 1), today=TODAY
    )
    cell = Organization.objects.get(pk=tree.cell.pk)
    assert cell.path.startswith(Organization.objects.get(pk=tree.other_province.pk).path)


def test_two_moves_on_one_day_in_either_order_leave_the_tree_of_that_day(tree):
    """Ka Đô goes under Đà Lạt on 01/03 and its village cell, moved with it, goes directly under
    Đà Lạt the same day: the day before, the cell sat in Ka Đô under Đơn Dương; from 01/03, under Đà Lạt."""
    day = dt.date(2025, 3, 1)
    services.organization_move(organization=tree.commune, new_parent=tree.city, on_date=day, today=TODAY)
    services.organization_move(organization=tree.cell, new_parent=tree.city, on_date=day, today=TODAY)

    def where(on):
        return Organization.objects.annotate(p=selectors.path_as_of(on)).get(pk=tree.cell.pk).p

    before = where(day - dt.timedelta(days=1))
    assert before.startswith(tree.district.path) and len(before) == 16  # in Ka Đô, under Đơn Dương
    assert where(day)[:-4] == Organization.objects.get(pk=tree.city.pk).path
    with pytest.raises(ValidationError, match="01/03/2025"):  # but not before that day
        services.organization_move(
            organization=tree.cell, new_parent=tree.district, on_date=day - dt.timedelta(days=1), today=TODAY
        )


def test_nothing_moves_or_merges_into_an_organization_before_it_was_founded(tree):
    """A reorganization row dated 30/06 for a commune founded on 01/07 (a typo) would put the
    cells of 30/06 under a commune that did not exist yet: refused, nothing changed."""
    new = services.organization_create(
        parent=tree.province, code="LD.XM", name="Đảng ủy xã Ka Đô Mới", form=OrgForm.COMMUNE,
        sector=Sector.COMMUNE, founded_on=dt.date(2025, 6, 1),
    )  # fmt: skip
    day = dt.date(2025, 5, 31)
    expected = "Đảng ủy xã Ka Đô Mới được thành lập ngày 01/06/2025: không thể ghi thay đổi ngày 31/05/2025"
    with translation.override("vi"):
        with pytest.raises(ValidationError, match=expected):
            services.organization_move(organization=tree.school, new_parent=new, on_date=day, today=TODAY)
        with pytest.raises(ValidationError, match=expected):
            services.organization_merge(source=tree.commune, target=new, on_date=day, today=TODAY)
        with pytest.raises(ValidationError, match=expected):
            services.organization_move(organization=new, new_parent=tree.district, on_date=day, today=TODAY)
    assert not OrganizationPath.objects.exists()
    tree.commune.refresh_from_db()
    assert tree.commune.is_active
    services.organization_merge(source=tree.commune, target=new, on_date=dt.date(2025, 6, 1), today=TODAY)


def test_a_path_held_before_a_move_is_never_given_to_another_organization(tree):
    """The enterprise leaves Đơn Dương on 01/05 (its path free now); Đà Lạt's school is then moved
    in, dated 01/03, and a new cell founded on 01/02: on 15/04 the enterprise still stood at its
    old path, so neither may take it, or the reports of that day would mix their figures."""
    from reports.engine import attainment

    from .test_reports_engine import admit

    old_path = tree.enterprise.path
    admit(tree.enterprise, dt.date(2025, 4, 1))
    services.organization_move(
        organization=tree.enterprise, new_parent=tree.city, on_date=dt.date(2025, 5, 1), today=TODAY
    )
    services.organization_move(
        organization=tree.city_school, new_parent=tree.district, on_date=dt.date(2025, 3, 1), today=TODAY
    )
    new = services.organization_create(
        parent=Organization.objects.get(pk=tree.district.pk), code="LD.DD.N", name="Chi bộ mới",
        form=OrgForm.GRASSROOTS_CELL, sector=Sector.OTHER, founded_on=dt.date(2025, 2, 1),
    )  # fmt: skip
    school = Organization.objects.get(pk=tree.city_school.pk)
    assert old_path not in (school.path, new.path)
    assert len({school.path, new.path, *Organization.objects.values_list("path", flat=True)}) == 10 + 1

    def actual(org):
        return attainment(scope=Organization.objects.get(pk=org.pk), year=2025, as_of=dt.date(2025, 4, 15)).actual

    assert (actual(tree.enterprise), actual(school), actual(new)) == (1, 0, 0)


def test_check_paths_lists_two_organizations_at_one_path_as_older_databases_may_hold(tree, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setattr(services, "_never_a_past_path", lambda organization: None)  # as before the fix
    services.organization_move(
        organization=tree.enterprise, new_parent=tree.city, on_date=dt.date(2025, 5, 1), today=TODAY
    )
    services.organization_move(
        organization=tree.city_school, new_parent=tree.district, on_date=dt.date(2025, 3, 1), today=TODAY
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 shared path"):
        call_command("check_paths", stdout=out)
    assert out.getvalue() == "000100010003: LD.DD.DN and LD.DL.TP, 01/03/2025–01/05/2025\n"


def test_check_paths_finds_nothing_in_a_tree_the_services_wrote(tree):
    from django.core.management import call_command

    services.organization_move(
        organization=tree.enterprise, new_parent=tree.city, on_date=dt.date(2025, 5, 1), today=TODAY
    )
    services.organization_move(
        organization=tree.city_school, new_parent=tree.district, on_date=dt.date(2025, 3, 1), today=TODAY
    )
    out = io.StringIO()
    call_command("check_paths", stdout=out)
    assert out.getvalue() == "No two organizations at one path on the same day.\n"
