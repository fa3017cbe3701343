"""The Django admin shows organizations but never changes the tree: that goes through the
app's services (path history, tallies, audit)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from organizations.models import Organization


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    return client


def test_organizations_are_listed_and_shown(superuser_client, tree):
    assert superuser_client.get(reverse("admin:organizations_organization_changelist")).status_code == 200
    page = superuser_client.get(reverse("admin:organizations_organization_change", args=[tree.school.pk]))
    assert page.status_code == 200 and tree.school.name in page.content.decode()


def test_the_admin_cannot_add_edit_move_or_delete_an_organization(superuser_client, tree):
    before = list(Organization.objects.order_by("pk").values_list("pk", "path", "name"))
    change = reverse("admin:organizations_organization_change", args=[tree.school.pk])
    assert superuser_client.post(change, {"name": "Đổi tên", "_ref_node_id": tree.city.pk}).status_code == 403
    delete = reverse("admin:organizations_organization_delete", args=[tree.school.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:organizations_organization_add")
    assert superuser_client.post(add, {"name": "Mới", "code": "X"}).status_code == 403
    # treebeard's drag-and-drop endpoint is gone
    move = reverse("admin:organizations_organization_changelist") + "move/"
    assert superuser_client.post(
        move, {"node_id": tree.school.pk, "sibling_id": tree.city.pk, "as_child": 1}
    ).status_code in (403, 404, 302)
    assert list(Organization.objects.order_by("pk").values_list("pk", "path", "name")) == before
