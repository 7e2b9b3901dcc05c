"""The generated access matrix: every URL pattern and every API operation × every role (and no
assignment, and anonymous) × the record's relation to the user, against the answer the policy
gives. The table is `access_matrix.py` (its docstring says how to add a line); the world (users,
areas, records) is `access_world.py`.

Expected answers come from ROLE_ACTIONS and the relation (see `expected`), not from the table.
"""

import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from ppaos.accounts.policy import ROLE_ACTIONS
from ppaos.accounts.policy import Action as A

from .access_matrix import (
    ADMIN_SITE,
    ANY_SIGNED_IN,
    API,
    NOT_SERVED_IN_TESTS,
    PAGES,
    PUBLIC,
    Rule,
)
from .access_world import AREA_KINDS, AREAS, RELATIONS, USERS

# The module's data is built once (`world`) in a transaction that is rolled back at the end; the
# mark makes pytest-django create the test database and put each case in a savepoint of its own.
pytestmark = pytest.mark.django_db

LOGIN = "login redirect"
DENIED = "login redirect, 403 or 404"  # the admin site, to anyone but an admin
API_ANONYMOUS = frozenset({401, 403})
WRITE_OK = frozenset({200, 201, 202, 204, 302, 400, 409})
UNSAFE = {"post", "put", "patch", "delete"}
# Actions that show aggregates only: the executive may hold nothing else. Reports are the
# roll-ups as xlsx, protected as the dashboard is (monitoring/reports.py).
AGGREGATE_ACTIONS = {A.VIEW_AREA, A.VIEW_DASHBOARD, A.RUN_REPORTS}


# ---- what exists: URL patterns and schema operations -------------------------------------------


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = ":".join(n for n in (namespace, inner) if n) if inner else namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            name = ":".join(n for n in (namespace, pattern.name) if n) if pattern.name else None
            yield prefix + str(pattern.pattern), name, namespace


def url_patterns() -> list[tuple[str, str]]:
    """(table key, route) of every URL pattern; the admin site (namespace "admin", wherever it
    is mounted) is one key, "admin/*"."""
    found = {}
    for route, name, namespace in _walk(get_resolver()):
        if namespace and namespace.split(":")[0] == "admin":
            found.setdefault("admin/*", route)
        else:
            found.setdefault(name or route, route)
    return sorted(found.items())


def _is_api(route: str) -> bool:
    return route.startswith("api/v1/") and route not in ("api/v1/schema/", "api/v1/docs/")


def schema_operations() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(f"{m.upper()} {path}" for path, item in schema["paths"].items() for m in item)


_PARAM = re.compile(r"\{(\w+)\}")
_SAMPLE = "00000000-0000-4000-8000-000000000000"


def _view_name_of(operation: str) -> str:
    path = _PARAM.sub(_SAMPLE, operation.split(" ", 1)[1])
    return resolve(path).view_name


# ---- the policy, as the matrix reads it --------------------------------------------------------


def _role(user_key):
    spec = USERS[user_key]
    return None if spec is None else spec[0]


def _prefixes(user_key, action) -> list[str]:
    role, area = USERS[user_key] or (None, None)
    if role is None or action not in ROLE_ACTIONS[role]:
        return []
    if role == "admin":
        return [""]
    return [area] if area else []


def _grants(user_key, actions) -> bool:
    role = _role(user_key)
    return role is not None and any(a in ROLE_ACTIONS[role] for a in actions)


def _in_scope(user_key, actions, kind, relation) -> bool:
    """Whether the record (of `kind`, in `relation`) lies in the user's scope for `actions`."""
    if kind in AREA_KINDS:
        code = AREAS[relation]
        return any(code.startswith(p) for a in actions for p in _prefixes(user_key, a))
    if kind == "agency_referral":  # agency staff: their agency, never an area
        return (
            A.ACT_ON_REFERRAL in actions
            and _role(user_key) == "agency_staff"
            and relation == "own_agency"
        )
    if kind == "notification":
        return relation == "own"
    if kind == "import_job":
        # The world's job is an admin's registry import: admins see every job; field staff
        # (IMPORT_SURVEYS) see only the jobs they uploaded themselves.
        return bool(_prefixes(user_key, A.RUN_IMPORTS))
    if kind in ("import_kind", "user_account"):
        return any(_prefixes(user_key, a) for a in actions)
    if kind in ("agency", "service"):  # the catalogue: any role
        return _role(user_key) is not None
    raise AssertionError(f"no scope rule for kind {kind!r}")


def expected(key: str, rule: Rule, method: str, user_key: str, relation, *, api: bool):
    """The set of statuses the policy allows (or LOGIN for a redirect to the login page)."""
    signed_in = USERS[user_key] is not None
    if rule.see == PUBLIC:
        if key == "login":
            return frozenset({302} if signed_in else {200})
        return frozenset({200, 204, 302})
    if rule.see == ADMIN_SITE:
        return frozenset({200, 302}) if user_key == "admin" else DENIED
    if not signed_in:
        return API_ANONYMOUS if api else LOGIN
    unsafe = method in UNSAFE
    no_assignment = _role(user_key) is None
    if rule.see != ANY_SIGNED_IN:
        if no_assignment and rule.strict:
            return frozenset({403})
        if not no_assignment and not _grants(user_key, rule.see_actions):
            return frozenset({403})
    if rule.kind and not _in_scope(user_key, rule.see_actions, rule.kind, relation):
        return frozenset({404})
    if rule.do and not _in_scope(user_key, (rule.do,), rule.kind, relation):
        return frozenset({403})
    if unsafe and rule.write:
        if rule.kind and not _in_scope(user_key, (rule.write,), rule.kind, relation):
            return frozenset({403})
        if not rule.kind and not _grants(user_key, (rule.write,)):
            return frozenset({403})
    if unsafe:
        return WRITE_OK
    return rule.ok or frozenset({200})


# ---- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    key: str
    route: str  # a URL name's route (pages) or the schema path (API)
    method: str
    user: str
    relation: str | None
    api: bool

    @property
    def id(self):
        return f"{self.key} {self.method.upper()} as {self.user}" + (
            f" on {self.relation}" if self.relation else ""
        )


def _cases() -> list[Case]:
    cases = []
    pages = [(key, route) for key, route in url_patterns() if not _is_api(route)]
    for key, route in pages:
        rule = PAGES.get(key)
        if rule is None or rule.see == NOT_SERVED_IN_TESTS:
            continue  # a missing entry fails test_every_url_pattern_has_an_entry
        for method in rule.methods:
            cases += _cases_for(key, route, method, rule, api=False)
    for operation in schema_operations():
        rule = API.get(operation)
        if rule is None:
            continue
        method, path = operation.split(" ", 1)
        cases += _cases_for(operation, path, method.lower(), rule, api=True)
    return cases


def _cases_for(key, route, method, rule, *, api):
    for user_key in USERS:
        relations = RELATIONS[rule.kind] if rule.kind else (None,)
        if USERS[user_key] is None:
            relations = relations[:1]  # anonymous: the answer cannot depend on the record
        for relation in relations:
            yield Case(key, route, method, user_key, relation, api)


CASES = _cases()


_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _url(case: Case, record) -> str:
    params = record.params if record else {}
    if case.api:
        return _PARAM.sub(lambda m: str(params[m.group(1)]), case.route)
    if case.key == "admin/*":
        return reverse("admin:index")
    names = _ROUTE_PARAM.findall(case.route)
    return reverse(case.key, kwargs={name: params[name] for name in names})


def _send(client, method, url, *, api):
    if method == "get":
        return client.get(url)
    if method == "patch":
        return client.patch(url, data="{}", content_type="application/json")
    return getattr(client, method)(url, data={})


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_access(world, case):
    rule = (API if case.api else PAGES)[case.key]
    want = expected(case.key, rule, case.method, case.user, case.relation, api=case.api)
    with transaction.atomic():
        user = world.users[case.user]
        client = Client()
        if user is not None:
            client.force_login(user)
        record = world.record(rule.kind, case.relation, user) if rule.kind else None
        url = _url(case, record)
        response = _send(client, case.method, url, api=case.api)
        transaction.set_rollback(True)
    status = response.status_code
    location = response.headers.get("Location", "")
    if want == LOGIN:
        assert status == 302 and "login" in location, f"{url}: {status} {location}"
    elif want == DENIED:
        refused = status in (403, 404) or (status == 302 and "login" in location)
        assert refused, f"{url}: {status} {location}"
    else:
        assert status in want, f"{case.method.upper()} {url}: {status}, policy says {sorted(want)}"


# ---- the table covers everything, and says nothing false ---------------------------------------


def test_every_url_pattern_has_an_entry():
    api_views = {_view_name_of(operation) for operation in schema_operations()}
    missing = []
    for key, route in url_patterns():
        if _is_api(route):
            if key not in api_views:
                missing.append(f"{key} ({route}): an API URL with no operation in the schema")
        elif key not in PAGES:
            missing.append(f"{key} ({route}): add a line to PAGES in access_matrix.py")
    assert missing == []


def test_every_api_operation_has_an_entry():
    missing = [op for op in schema_operations() if op not in API]
    assert missing == [], "add these to API in access_matrix.py"


def test_the_table_names_nothing_that_does_not_exist():
    keys = {key for key, _ in url_patterns()}
    stale = sorted(set(PAGES) - keys - {"^media/(?P<path>.*)$"})
    stale += sorted(set(API) - set(schema_operations()))
    assert stale == []


def test_executive_is_refused_every_personal_record():
    """The executive sees aggregates only: every entry not governed by an aggregate action
    answers 403 (nothing with a name or an ID)."""
    allowed = []
    for table, api in ((PAGES, False), (API, True)):
        for key, rule in table.items():
            if rule.see in (PUBLIC, ANY_SIGNED_IN, ADMIN_SITE, NOT_SERVED_IN_TESTS):
                continue
            if set(rule.see_actions) <= AGGREGATE_ACTIONS:
                continue
            method = key.split(" ")[0].lower() if api else rule.methods[0]
            relation = RELATIONS[rule.kind][0] if rule.kind else None
            if expected(key, rule, method, "executive", relation, api=api) != {403}:
                allowed.append(key)
    assert allowed == []


def test_the_matrix_is_not_empty():
    assert len(CASES) > 1000


# ---- lists show only what is in scope ----------------------------------------------------------

# List operation -> the action that scopes its rows (each row carries its village code, `area`).
SCOPED_LISTS = {
    "GET /api/v1/households/": A.VIEW_HOUSEHOLD,
    "GET /api/v1/persons/": A.VIEW_HOUSEHOLD,
    "GET /api/v1/registrants/": A.VIEW_HOUSEHOLD,
    "GET /api/v1/surveys/": A.VIEW_HOUSEHOLD,
    "GET /api/v1/referrals/": (A.PROPOSE_REFERRAL, A.APPROVE_REFERRAL),
}
SIGNED_IN = [key for key, spec in USERS.items() if spec is not None]


def _row_area(operation: str, row: dict) -> str:
    """The row's village; a person living in no household now (`area` null: the transfer
    builder's) is listed where they lived last, which the answer does not say."""
    if row["area"] is None and operation == "GET /api/v1/persons/":
        from households.models import Membership

        last = Membership.objects.filter(person__public_id=row["id"]).order_by("-joined_on", "-id")
        return last.values_list("household__area_id", flat=True).first() or ""
    return row["area"] or ""


@pytest.mark.parametrize("user_key", SIGNED_IN)
@pytest.mark.parametrize("operation", sorted(SCOPED_LISTS))
def test_lists_hold_only_rows_in_scope(world, operation, user_key):
    actions = SCOPED_LISTS[operation]
    actions = actions if isinstance(actions, tuple) else (actions,)
    client = Client()
    client.force_login(world.users[user_key])
    response = client.get(operation.split(" ", 1)[1], {"page_size": 500})
    if not _grants(user_key, actions) and _role(user_key) is not None:
        assert response.status_code == 403
        return
    rows = response.json()["results"]
    prefixes = [p for a in actions for p in _prefixes(user_key, a)]
    areas = [_row_area(operation, row) for row in rows]
    outside = [area for area in areas if not any(area.startswith(p) for p in prefixes)]
    assert outside == []
    if prefixes:  # the scope is not empty: the user's own records are listed
        assert rows


@pytest.mark.parametrize("user_key", SIGNED_IN)
def test_agency_lists_hold_only_the_agencys_referrals(world, user_key):
    client = Client()
    client.force_login(world.users[user_key])
    response = client.get("/api/v1/agency-referrals/")
    if _role(user_key) not in ("agency_staff", None):
        assert response.status_code == 403
        return
    listed = {row["public_id"] for row in response.json()["results"]}
    own = {str(world.records[("agency_referral", "own_agency")].obj.public_id)}
    assert listed == (own if _role(user_key) == "agency_staff" else set())
