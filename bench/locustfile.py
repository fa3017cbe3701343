"""Load test: logged-in users browsing the dashboard, drill-down, candidate lists and the tree.

Run against gunicorn on 127.0.0.1 with the national data (see bench/loadtest.sh):
    locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s --host http://127.0.0.1:8100
Each simulated user logs in as one of the accounts bench/loadtest.sh creates (a
province planner on a synthetic province) and follows links a board member follows.
"""

import os
import random
import re

import request_log  # noqa: F401  (LOAD_LOG: every request to a file, for the steady state)
from locust import HttpUser, between, task

USERS = os.environ.get("LOAD_USERS", "load.planner").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-2025")
ORG_LINK = re.compile(r'href="/reports/(\d+)/\?')
TREE_LINK = re.compile(r'href="/orgs/(\d+)/"')


class BoardMember(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        page = self.client.get("/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/login/",
            {"username": random.choice(USERS), "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
        )
        home = self.client.get("/", name="home")
        self.root = TREE_LINK.search(home.text).group(1)
        self.children = []

    @task(4)
    def dashboard(self):
        page = self.client.get(f"/reports/{self.root}/", name="dashboard")
        self.children = ORG_LINK.findall(page.text) or self.children

    @task(4)
    def drill_down(self):
        if self.children:
            child = random.choice(self.children)
            page = self.client.get(f"/reports/{child}/?year=2026", name="dashboard (drill-down)")
            grandchildren = ORG_LINK.findall(page.text)
            if grandchildren:
                self.client.get(f"/reports/{random.choice(grandchildren)}/?year=2026", name="dashboard (drill-down)")

    @task(3)
    def candidates(self):
        target = random.choice(self.children) if self.children else self.root
        self.client.get(f"/candidates/org/{target}/", name="candidate list")
        self.client.get(f"/candidates/org/{target}/?page=2", name="candidate list")

    @task(2)
    def tree(self):
        self.client.get("/orgs/", name="tree")
        self.client.get(f"/orgs/{self.root}/children/", name="tree (expand)")
        self.client.get("/orgs/?q=xa+phu", name="tree (search)")
        self.client.get(f"/orgs/{self.root}/", name="organization page")
