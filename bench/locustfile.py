"""The load test's simulated staff and Privacy officers (run by bench.load; see docs/benchmarks.md).

Environment: LOAD_PLAN (the JSON written by bench.load_setup), LOAD_PREFIX
(/admin/ or /stock-admin/), LOAD_THINK ("3,7": seconds between clicks), and
LOAD_STEPS ("10,20,40:30": a capacity run, that many users, each step 30 s),
LOAD_SESSIONS (a file of signed-in sessions shared by the runs) and LOAD_TRACE
(every request, for windows and the chart).
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

import urllib3
from django_otp.oath import totp
from locust import HttpUser, LoadTestShape, between, events, task

from bench.words import search_words

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115 - read once at start
PREFIX = os.environ.get("LOAD_PREFIX", "/admin/")
THINK = [float(v) for v in os.environ.get("LOAD_THINK", "3,7").split(",")]
WORDS = [word for _, word in search_words()]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_user = {"staff": 0, "officers": 0}
# Sessions signed in by earlier runs of the same load test (LOAD_SESSIONS): later runs reuse them, so only
# the first run pays for the sign-ins (a password hash costs about a second of CPU, as it should).
SESSIONS_PATH = os.environ.get("LOAD_SESSIONS")
SESSIONS = {}
if SESSIONS_PATH and os.path.exists(SESSIONS_PATH):
    with open(SESSIONS_PATH, encoding="utf-8") as existing:
        SESSIONS = {row["email"]: row["session"] for row in map(json.loads, existing)}


class FormFields(HTMLParser):
    """The values a browser would submit from a page's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea, self._first_option = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.fields.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class SignedInUser(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    kind = "staff"

    def on_start(self):
        self.client.verify = False
        self.rng = random.Random()
        pool = PLAN[self.kind]
        account = pool[_next_user[self.kind] % len(pool)]
        _next_user[self.kind] += 1
        session = SESSIONS.get(account["email"])
        if session:
            # Signed in by an earlier run (or another simulated tab of the same person).
            self.client.cookies.set("sessionid", session, domain="127.0.0.1", path="/")
            return
        self.sign_in(account)

    def sign_in(self, account):
        login = f"{self.host}/admin/login/"
        page = self.client.get("/admin/login/", name="sign-in: password page")
        page = self.client.post(
            "/admin/login/",
            {
                "username": account["email"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "next": "/admin/",
            },
            headers={"Referer": login},
            name="sign-in: password",
        )
        # The code of the current 30-second step; each user has an authenticator of its own.
        token = f"{totp(bytes.fromhex(account['key'])):06d}"
        self.client.post(
            "/accounts/two-factor/verify/",
            {"token": token, "csrfmiddlewaretoken": CSRF.search(page.text).group(1), "next": "/admin/"},
            headers={"Referer": page.url},
            name="sign-in: code",
        )
        session = self.client.cookies.get("sessionid")
        if session and SESSIONS_PATH:
            SESSIONS[account["email"]] = session
            with open(SESSIONS_PATH, "a", encoding="utf-8") as sessions:
                sessions.write(json.dumps({"email": account["email"], "session": session}) + "\n")

    def page(self, path, name):
        return self.client.get(f"{PREFIX}{path}", name=name)


class Staff(SignedInUser):
    """A member of staff at office pace: lists, searches, opening and editing contacts, company pages."""

    @task(3)
    def contact_list(self):
        self.page("customers/contact/", "contact list")

    @task(4)
    def search(self):
        self.page(f"customers/contact/?{urlencode({'q': self.rng.choice(WORDS)})}", "contact search")

    @task(3)
    def contact_page(self):
        self.page(f"customers/contact/{self.rng.choice(PLAN['contacts'])}/change/", "contact page")

    @task(2)
    def company_page(self):
        self.page(f"customers/company/{self.rng.choice(PLAN['companies'])}/change/", "company page")

    @task(1)
    def edit_contact(self):
        path = f"{PREFIX}customers/contact/{self.rng.choice(PLAN['contacts'])}/change/"
        page = self.client.get(path, name="contact page")
        fields = form_fields(page.text)
        if "first_name" not in fields:
            return
        fields["title"] = self.rng.choice(("Toimitusjohtaja", "Talousjohtaja", "IT-päällikkö", "Myyntipäällikkö"))
        fields["_save"] = "Save"
        with self.client.post(
            path, fields, headers={"Referer": page.url}, name="contact edit (save)", catch_response=True
        ) as response:
            # A form shown again (200 on the same page) is a refused save.
            if response.status_code == 200 and "/change/" in response.url:
                response.failure("the save was refused")


class PrivacyOfficer(SignedInUser):
    """The Privacy officer: the request list, the subject lookup, an export, one object's audit log."""

    kind = "officers"
    fixed_count = 2

    @task(3)
    def request_list(self):
        self.client.get("/admin/privacy/datasubjectrequest/", name="officer: request list")

    @task(3)
    def lookup(self):
        term = {"email": self.rng.choice(PLAN["lookup_emails"])}
        self.client.get(f"/admin/privacy/datasubjectrequest/lookup/?{urlencode(term)}", name="officer: lookup")

    @task(1)
    def export(self):
        dsr = self.rng.choice(PLAN["export_requests"])
        path = f"/admin/privacy/datasubjectrequest/{dsr['pk']}/act/export/"
        page = self.client.get(path, name="officer: export form")
        token = CSRF.search(page.text)
        if token:
            self.client.post(
                path,
                {"email": dsr["email"], "csrfmiddlewaretoken": token.group(1)},
                headers={"Referer": page.url},
                name="officer: export (ZIP)",
            )

    @task(2)
    def audit_log(self):
        contact = self.rng.choice(PLAN["contacts"])
        self.client.get(f"/admin/auditlog/logentry/?object_pk={contact}", name="officer: audit log of a contact")


if os.environ.get("LOAD_STEPS"):
    users, step_seconds = os.environ["LOAD_STEPS"].split(":")

    class Steps(LoadTestShape):
        """The capacity run: more users every step, until the last step ends."""

        steps = [int(n) for n in users.split(",")]
        seconds = int(step_seconds)
        use_common_options = True

        def tick(self):
            step = int(self.get_run_time() // self.seconds)
            if step >= len(self.steps):
                return None
            return self.steps[step], max(1, self.steps[step])


TRACE = open(os.environ["LOAD_TRACE"], "a", encoding="utf-8") if os.environ.get("LOAD_TRACE") else None  # noqa: SIM115


@events.request.add_listener
def trace(request_type, name, response_time, response_length, response, exception, **kwargs):
    """Every request's end time, page, time and status, for windows (drills, capacity steps) and the chart."""
    if TRACE is not None:
        status = getattr(response, "status_code", 0) or 0
        failed = 1 if exception is not None else 0
        TRACE.write(f"{time.time():.3f},{name},{response_time:.1f},{status},{failed}\n")


@events.spawning_complete.add_listener
def ramped_up(user_count, **kwargs):
    if TRACE is not None:
        TRACE.write(f"{time.time():.3f},#ramped-up,0,0,0\n")
        TRACE.flush()


@events.quitting.add_listener
def close_trace(**kwargs):
    if TRACE is not None:
        TRACE.close()
