import os
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20,
            "DJANGO_ALLOWED_HOSTS": "partyplans.example.vn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_extra={"DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "x.vn"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_login_is_throttled_after_repeated_failures(users):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_works(users):
    client = Client()
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_posts_without_a_csrf_token_are_refused(users, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.admin)
    response = client.post(
        reverse("organizations:dissolve", kwargs={"org_pk": tree.cell.pk}), {"on_date": "2025-01-01"}
    )
    assert response.status_code == 403
    tree.cell.refresh_from_db()
    assert tree.cell.dissolved_on is None


def test_vietnamese_is_the_default_and_english_is_remembered(client_for):
    client = client_for("viewer")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert "Tổ chức của bạn" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert "Your organizations" in response.content.decode()


def test_wrong_method_is_405(client_for, tree):
    response = client_for("admin").delete(reverse("organizations:detail", kwargs={"org_pk": tree.school.pk}))
    assert response.status_code == 405
