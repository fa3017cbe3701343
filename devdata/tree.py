"""The demo tree (fixtures/tree.json) and the demo logins (fixtures/users.json), through
organizations.services: whatever is missing is created, the rest left alone."""

from django.contrib.auth import get_user_model
from django.db import transaction

from organizations.models import Membership, Organization
from organizations.services import member_count_record, organization_create

from . import fixtures

TREE = fixtures.load("tree")
USERS = fixtures.load("users")
COUNT_DATE = fixtures.date(TREE["count_date"])
DEMO_PASSWORD = USERS["password"]


def ensure(node: dict, parent: Organization | None) -> int:
    """Create the node and its subtree where missing; return how many organizations were created."""
    org = Organization.objects.filter(code=node["code"]).first()
    created = 0
    if org is None:
        if parent is not None:
            parent.refresh_from_db()
        org = organization_create(
            parent=parent,
            name=node["name"],
            code=node["code"],
            form=node["form"],
            sector=node["sector"],
            is_invented=node.get("invented", False),
            note=node.get("note", ""),
        )
        created = 1
    members = node.get("members")
    if members is not None and not org.member_counts.filter(as_of=COUNT_DATE).exists():
        member_count_record(organization=org, as_of=COUNT_DATE, members=members, note=TREE["count_note"])
    for child in node.get("children", []):
        created += ensure(child, org)
    return created


@transaction.atomic
def seed_organizations() -> int:
    """Create whatever part of the demo tree is missing; return how many were created."""
    return sum(ensure(node, None) for node in TREE["tree"])


def demo_user(*, username: str, full_name: str, organization: Organization, role: str):
    """A demo login (password DEMO_PASSWORD when created) with its role over `organization`."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.first_name = full_name
        user.save()
    Membership.objects.update_or_create(user=user, organization=organization, defaults={"role": role})
    return user


@transaction.atomic
def seed_users() -> list[tuple[str, str, str]]:
    logins = []
    for row in USERS["users"]:
        org = Organization.objects.get(code=row["organization"])
        demo_user(username=row["username"], full_name=row["full_name"], organization=org, role=row["role"])
        logins.append((row["username"], row["description"], org.name))
    superuser = USERS["superuser"]
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username=superuser["username"], defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append((superuser["username"], superuser["description"], "—"))
    return logins
