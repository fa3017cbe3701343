"""Load test with writes (issue 18), on the demo (SQLite, the embedded default) or any
database holding it: run by bench/loadtest.sh with LOAD_MODE=writes or other-province.

* LOAD_MODE=writes: the issue's 12-user test. Every user logs in as a planner
  (LOAD_USERS, default the demo's tinh.kehoach), saves a member count of one of the
  organizations under them (the page's own form, `organizations:add_count`) and reads the
  dashboard, in turn. A save answered by anything but the redirect to the organization
  page is a failure ("database is locked" was an HTTP 500: the entry is lost).
* LOAD_MODE=other-province: readers of one province's dashboards (LOAD_USERS) while ONE
  writer (LOAD_WRITER, default the demo's ninhthuan) saves a member count in another
  province every LOAD_WRITE_EVERY seconds (default 2): a write elsewhere must not cool the
  readers' caches (p95 of the readers with and without the writer).
"""

import datetime as dt
import os
import random
import re

import request_log  # noqa: F401  (LOAD_LOG: every request to a file, for the steady state)
from locust import HttpUser, between, constant, task

MODE = os.environ.get("LOAD_MODE", "writes")
USERS = os.environ.get("LOAD_USERS", "tinh.kehoach").split(",")
WRITER = os.environ.get("LOAD_WRITER", "ninhthuan")
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-2025")
WRITE_EVERY = float(os.environ.get("LOAD_WRITE_EVERY", "2"))
ORG_LINK = re.compile(r'href="/reports/(\d+)/\?')
TREE_LINK = re.compile(r'href="/orgs/(\d+)/"')


def login(client, username) -> str:
    """Log in; the pk of the user's first organization (from the home page)."""
    page = client.get("/login/", name="login")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    client.post("/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}, name="login")
    home = client.get("/", name="home")
    return TREE_LINK.search(home.text).group(1)


def save_count(client, org_pk: str) -> None:
    """A member count saved through the page's form (today, a random number)."""
    form = client.get(f"/orgs/{org_pk}/counts/add/", name="member count (form)")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    data = {
        "as_of": dt.date.today().strftime("%d/%m/%Y"),
        "members": random.randint(5, 400),
        "note": "load test",
        "csrfmiddlewaretoken": token,
    }
    with client.post(
        f"/orgs/{org_pk}/counts/add/", data, name="member count (save)", allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code != 302:
            response.failure(f"save answered {response.status_code}")


class Reader(HttpUser):
    """Reads dashboards (and, in the writes mode, saves member counts too)."""

    wait_time = between(0.5, 2)

    def on_start(self):
        self.root = login(self.client, random.choice(USERS))
        self.children = []

    @task(3)
    def dashboard(self):
        page = self.client.get(f"/reports/{self.root}/", name="dashboard")
        self.children = ORG_LINK.findall(page.text) or self.children

    @task(3)
    def drill_down(self):
        if self.children:
            self.client.get(f"/reports/{random.choice(self.children)}/", name="dashboard (drill-down)")

    @task(2 if MODE == "writes" else 0)
    def save(self):
        save_count(self.client, random.choice(self.children or [self.root]))


class OtherProvinceWriter(HttpUser):
    """One save every WRITE_EVERY seconds in another province (other-province mode only)."""

    abstract = MODE != "other-province"
    wait_time = constant(WRITE_EVERY)
    fixed_count = 1

    def on_start(self):
        self.root = login(self.client, WRITER)
        page = self.client.get(f"/reports/{self.root}/", name="writer: dashboard")
        self.targets = ORG_LINK.findall(page.text) or [self.root]

    @task
    def save(self):
        save_count(self.client, random.choice(self.targets))
