"""A small named tree and a fixed cast of users, shared by every test."""

import datetime as dt
import os
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from organizations.models import Membership, Organization, OrgForm, Role, Sector
from organizations.services import member_count_record, organization_create

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 30)


def pytest_configure(config):
    """The demo snapshot's key hashes the checkout as the run starts (tests/demo_snapshot.py),
    not as it stands when the first test asks for the demo minutes later."""
    from tests import demo_snapshot

    demo_snapshot.source_key()


PASSWORD = "test-pass-2025"


def _org(parent, code, name, form, sector):
    if parent is not None:
        parent.refresh_from_db()
    return organization_create(parent=parent, code=code, name=name, form=form, sector=sector)


@pytest.fixture
def tree(db):
    """Two provinces; Lâm Đồng has Đơn Dương (a school, a commune with a cell, an
    enterprise) and Đà Lạt (a school). Built through the services once per process and
    put back by insert in each test (tests/demo_snapshot.py `built`)."""
    from tests import demo_snapshot

    return demo_snapshot.built("tree", build_tree)


def build_tree() -> SimpleNamespace:
    t = SimpleNamespace()
    t.province = _org(None, "LD", "Tỉnh ủy Lâm Đồng", OrgForm.PROVINCIAL, Sector.OTHER)
    t.district = _org(t.province, "LD.DD", "Huyện ủy Đơn Dương", OrgForm.DISTRICT, Sector.OTHER)
    t.school = _org(
        t.district, "LD.DD.THPT", "Chi bộ Trường THPT Đơn Dương", OrgForm.GRASSROOTS_CELL, Sector.HIGH_SCHOOL
    )
    t.commune = _org(t.district, "LD.DD.KD", "Đảng bộ xã Ka Đô", OrgForm.GRASSROOTS_COMMITTEE, Sector.COMMUNE)
    t.cell = _org(t.commune, "LD.DD.KD.01", "Chi bộ Thôn Ka Đô Mới", OrgForm.CELL, Sector.VILLAGE)
    t.enterprise = _org(
        t.district, "LD.DD.DN", "Chi bộ Công ty TNHH Đồng Thúy", OrgForm.GRASSROOTS_CELL, Sector.NON_STATE_ENTERPRISE
    )
    t.city = _org(t.province, "LD.DL", "Thành ủy Đà Lạt", OrgForm.DISTRICT, Sector.OTHER)
    t.city_school = _org(t.city, "LD.DL.TP", "Chi bộ Trường THPT Trần Phú", OrgForm.GRASSROOTS_CELL, Sector.HIGH_SCHOOL)
    t.other_province = _org(None, "NT", "Tỉnh ủy Ninh Thuận", OrgForm.PROVINCIAL, Sector.OTHER)
    t.other_city = _org(t.other_province, "NT.PR", "Thành ủy Phan Rang – Tháp Chàm", OrgForm.DISTRICT, Sector.OTHER)
    for org in vars(t).values():
        org.refresh_from_db()
    member_count_record(organization=t.school, as_of=dt.date(2025, 1, 1), members=27)
    member_count_record(organization=t.cell, as_of=dt.date(2025, 1, 1), members=8)
    return t


def takes_cells(organization):
    """A grassroots cell of `tree` that a test's merger or move gives cells to becomes a
    grassroots committee first: a grassroots cell holds no organization (organizations.nesting)."""
    from organizations.services import organization_update

    organization_update(organization=Organization.objects.get(pk=organization.pk), form=OrgForm.GRASSROOTS_COMMITTEE)
    organization.refresh_from_db()
    return organization


# user key -> (organization key in `tree`, role). The matrix tests read this too.
CAST = {
    "admin": ("province", Role.ADMIN),
    "province_planner": ("province", Role.PLANNER),
    "district_planner": ("district", Role.PLANNER),
    "clerk": ("school", Role.CLERK),
    "viewer": ("district", Role.VIEWER),
    "outsider": ("other_province", Role.PLANNER),
}


@pytest.fixture
def users(tree):
    from tests import demo_snapshot

    return demo_snapshot.built("users", lambda: build_users(tree))


def build_users(tree) -> SimpleNamespace:
    User = get_user_model()
    cast = SimpleNamespace()
    for key, (org_key, role) in CAST.items():
        user = User.objects.create_user(username=key, password=PASSWORD)
        Membership.objects.create(user=user, organization=getattr(tree, org_key), role=role)
        setattr(cast, key, user)
    return cast


@pytest.fixture
def client_for(client, users):
    """client_for("clerk") → a test client logged in as that user."""

    def login(key):
        client.force_login(getattr(users, key))
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _test_settings(django_test_environment):
    """Settings of the whole run (set once, not per test): MD5 password hashes (Argon2 takes
    ~0.1 s for each user made or logged in, module-scoped fixtures included), and an
    in-memory cache that shares no files with a running demo or another test run."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}},
    ):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US"}  # Vietnamese must win over the browser's language


@pytest.fixture(autouse=True)
def _empty_cache():
    """An empty cache per test: cached report answers must not leak from one test's
    database into the next (the in-memory cache itself: `_test_settings`)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _cache_bumped_at_once(monkeypatch):
    """A test runs in one transaction that never commits: cached answers are marked stale
    at the change itself (tests/test_reports_cache.py checks the bump after a real commit)."""
    from reports import cache

    monkeypatch.setattr(cache, "_after_commit", lambda func: func())


@pytest.fixture(autouse=True)
def _dashboards_rendered_for_the_reader(monkeypatch):
    """No dashboard counts as slow unless a test says so (tests/test_dashboard_body.py): on
    a busy machine a first rendering may take over a second, and the next reader would
    then be shown the previous figures while a task renders the new ones."""
    from reports import dashboard

    monkeypatch.setattr(dashboard, "SLOW_SECONDS", float("inf"))


@pytest.fixture
def demo_on(db):
    """demo_on(day) → the demo as `seed_demo` leaves it when run on `day` (seeded once per
    session and day, copied in: tests/demo_snapshot.py; `reorganized_demo` below for
    `--reorganized`). `timezone.localdate()` is left alone."""
    from tests import demo_snapshot

    def load(day=None):
        day = day or timezone.localdate()
        demo_snapshot.restore(demo_snapshot.snapshot(day))

    return load


@pytest.fixture
def seeded_demo(demo_on):
    """The demo as `manage.py seed_demo` leaves it today."""
    demo_on()


@pytest.fixture
def reorganized_demo(db):
    """The demo as `manage.py seed_demo --reorganized` leaves it today (what `./run.sh demo`
    loads: the 2025 reorganization applied, then the boards' work after it), copied in."""
    from tests import demo_snapshot

    demo_snapshot.restore(demo_snapshot.snapshot(timezone.localdate(), ("--reorganized",)))
