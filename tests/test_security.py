import os
import re
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


def _login(client, password, **meta):
    return client.post(reverse("login"), {"username": "clerk", "password": password}, **meta)


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(users):
    for _ in range(5):
        _login(Client(), "wrong", REMOTE_ADDR="203.0.113.7")
    assert _login(Client(), PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert _login(Client(), PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_behind_the_load_balancer_the_address_is_read_from_x_forwarded_for(users, settings):
    """Every request comes from the balancer (10.0.0.2): the client is the last address it
    appended to X-Forwarded-For. An attacker failing on purpose locks out only themselves,
    and cannot escape their lock by writing another address into the header."""
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        _login(Client(), "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **balancer)
    assert _login(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **balancer).status_code == 429
    spoofed = _login(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.7", **balancer)
    assert spoofed.status_code == 429
    assert _login(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **balancer).status_code == 302


def test_without_a_proxy_x_forwarded_for_is_ignored(users, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for forwarded in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"]:
        _login(Client(), "wrong", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded)
    assert _login(Client(), PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 429


def test_the_proxy_count_comes_from_the_environment():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)",
        env_extra={"DJANGO_TRUSTED_PROXY_COUNT": "2"},
    )
    assert result.stdout.strip().splitlines()[-1] == "2", result.stderr


TEMPLATES = ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)


def test_no_template_has_an_inline_script_or_event_handler():
    """The Content-Security-Policy forbids both: behaviour lives in static/js/."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_pages_carry_a_strict_content_security_policy(client_for, tree):
    response = client_for("viewer").get(reverse("home"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "http" not in response["Content-Security-Policy"]  # no other origin
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    # The login page too (before any session).
    assert "script-src 'self'" in Client().get(reverse("login"))["Content-Security-Policy"]


def test_pages_and_files_with_personal_data_are_not_stored(client_for, tree):
    from .admissions_helpers import make_candidate

    candidate = make_candidate(tree.school)
    client = client_for("clerk")
    for url in (
        reverse("home"),
        reverse("admissions:list", args=[tree.school.pk]),
        reverse("admissions:detail", args=[candidate.pk]),
        reverse("admissions:export", args=[tree.school.pk]),
        reverse("admissions:import_template", args=[tree.school.pk]),
        reverse("reports:export_xlsx", args=[tree.school.pk]),
        reverse("organizations:detail", args=[tree.school.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    assert "no-store" in Client().get(reverse("login"))["Cache-Control"]
