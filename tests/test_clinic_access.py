"""Only clinic staff with the right permission reach the workspace.

Every URL of the clinic app, read from its URLconf, is requested by four
personas: an anonymous visitor (sent to sign in), a respondent holding a
private link (the same: a link opens one assessment, nothing else), a
signed-in user who is not clinic staff (403) and an adviser in the
"Clinic staff" group. A new URL without a row below fails the test.
"""

import datetime as dt
from dataclasses import dataclass, field
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, reverse

from assessment.models import Report
from clinic import urls as clinic_urls
from clinic.models import (
    CLINIC_STAFF_GROUP,
    AuditEvent,
    Cohort,
    LevelValidation,
    Review,
    ReviewerNote,
)
from tests.clinic_support import (
    CLINIC_PERMISSIONS,
    PASSWORD,
    outsider,
    signed_in,
    staff_member,
    submission,
    user_with,
)
from tests.journey_support import start, store_tiny

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "logout"}


@dataclass(frozen=True)
class Call:
    method: str
    args: tuple[str, ...] = ()
    """Names of objects from the fixture, in URL order."""
    data: dict[str, str] = field(default_factory=dict)
    query: str = ""
    staff: int = 200
    """What an adviser in the Clinic staff group gets."""
    superuser: int | None = None
    """What a superuser gets, where it differs."""


CALLS = {
    "dashboard": Call("get"),
    "submission": Call("get", ("submission",)),
    "report": Call("get", ("submission",)),
    # Until a worker has rendered it, the download sends staff to its page.
    "report_pdf": Call("get", ("submission",), staff=302),
    "report_retry": Call("post", ("submission",), staff=302),
    "review": Call("post", ("submission",), {"status": "in_review"}, staff=302),
    "note": Call("post", ("submission",), {"text": "Call them"}, staff=302),
    "validate": Call(
        "post",
        ("submission",),
        {"dimension": "data", "level": "1", "reason": "Seen at the clinic"},
        staff=302,
    ),
    "compare": Call("get", query="?a={submission}&b={other}"),
    "cohorts": Call("get"),
    "create_cohort": Call(
        "post", data={"name": "Leeds clinic", "date": "2026-05-04"}, staff=302
    ),
    "cohort": Call("get", ("cohort",)),
    "export_submissions_csv": Call("get"),
    "export_answers_csv": Call("get"),
    "export_submissions_json": Call("get"),
    "audit": Call("get", staff=403, superuser=200),
}


def staff_url_names() -> set[str]:
    return {
        pattern.name
        for pattern in clinic_urls.urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name
    } - PUBLIC


def test_every_staff_url_is_in_the_matrix():
    assert staff_url_names() == set(CALLS)


@pytest.fixture
def world():
    version = store_tiny()
    found = submission(version, "Alpha Ltd")
    other = submission(version, "Beta plc")
    cohort = Cohort.objects.create(name="Bristol clinic", date=dt.date(2026, 3, 1))
    return {"submission": found, "other": other, "cohort": cohort}


def request(client: Client, name: str, world) -> tuple[Call, HttpResponseBase, str]:
    """Make the matrix's call to URL ``name``: the call, response and body."""
    call = CALLS[name]
    url = reverse(f"clinic:{name}", args=[world[arg].pk for arg in call.args])
    url += call.query.format(**{key: value.pk for key, value in world.items()})
    post = call.method == "post"
    response = client.post(url, call.data) if post else client.get(url)
    return call, response, response.getvalue().decode()


def snapshot():
    return (
        list(Review.objects.values_list("assessment_id", "status", "assignee_id")),
        list(ReviewerNote.objects.values_list("text", flat=True)),
        list(LevelValidation.objects.values_list("dimension", "level")),
        list(Cohort.objects.values_list("name", flat=True)),
        AuditEvent.objects.count(),
        Report.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(CALLS))
def test_anonymous_visitors_are_sent_to_sign_in(world, name):
    before = snapshot()

    _call, response, _body = request(Client(), name, world)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("clinic:login")
    assert location.query.startswith("next=")
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_private_link_opens_nothing_in_the_workspace(world, name):
    respondent = start(Client(), name="Gamma Ltd")
    respondent.client.get(respondent.url("link"))
    before = snapshot()

    _call, response, body = request(respondent.client, name, world)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("clinic:login")
    assert "Alpha" not in body
    assert "Gamma" not in body
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_signed_in_users_who_are_not_staff_are_refused(world, name):
    client = signed_in(outsider())
    before = snapshot()

    _call, response, body = request(client, name, world)

    assert response.status_code == 403
    assert "Alpha" not in body
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_clinic_staff_reach_every_page_their_group_allows(world, name):
    client = signed_in(staff_member())

    call, response, body = request(client, name, world)

    assert response.status_code == call.staff, body[:500]
    if call.method == "get" and call.staff == 200:
        assert response["Cache-Control"].startswith("max-age=0")
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name", sorted(name for name, call in CALLS.items() if call.superuser)
)
def test_superusers_reach_the_pages_kept_for_them(world, django_user_model, name):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)

    call, response, _body = request(signed_in(admin), name, world)

    assert response.status_code == call.superuser


@pytest.mark.parametrize(
    ("permission", "allowed", "refused"),
    [
        ("view_submissions", "submission", "review"),
        ("view_submissions", "cohorts", "create_cohort"),
        ("view_submissions", "dashboard", "export_submissions_csv"),
    ],
)
def test_each_action_needs_its_own_permission(world, permission, allowed, refused):
    client = signed_in(user_with("viewer", permission))

    _call, ok, _body = request(client, allowed, world)
    _call, forbidden, _body = request(client, refused, world)

    assert ok.status_code == 200
    assert forbidden.status_code == 403


def test_a_migration_gives_the_staff_group_every_clinic_permission():
    # Run the migration's function again, as a test that flushed the
    # database before this one may have removed what it made.
    Group.objects.filter(name=CLINIC_STAFF_GROUP).delete()
    migration = import_module("clinic.migrations.0002_clinic_staff_group")

    migration.create_group(django_apps, None)

    group = Group.objects.get(name=CLINIC_STAFF_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == set(CLINIC_PERMISSIONS)


def test_unknown_submissions_and_drafts_are_not_found(world):
    draft = start(Client(), name="Draft Ltd").assessment
    client = signed_in(staff_member())

    assert client.get(reverse("clinic:submission", args=[draft.pk])).status_code == 404
    assert client.get(reverse("clinic:submission", args=[99999])).status_code == 404
    assert client.get(reverse("clinic:cohort", args=[99999])).status_code == 404
    compare = reverse("clinic:compare") + f"?a={draft.pk}&b={world['other'].pk}"
    assert client.get(compare).status_code == 404


def sign_in(client: Client, username: str, password: str):
    return client.post(
        reverse("clinic:login"), {"username": username, "password": password}
    )


def test_staff_sign_in_with_their_password_and_land_on_the_dashboard():
    staff_member()
    client = Client()

    response = sign_in(client, "ana", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:dashboard")
    assert client.get(reverse("clinic:dashboard")).status_code == 200


def test_a_wrong_password_is_refused_with_an_error_summary():
    staff_member()

    response = sign_in(Client(), "ana", "not the password")

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_five_failures_lock_the_username_out_even_with_the_right_password():
    staff_member()
    client = Client()

    for _attempt in range(5):
        sign_in(client, "ana", "guess")
    locked = sign_in(client, "ana", PASSWORD)

    assert locked.status_code == 429
    assert "locked" in locked.content.decode()
    assert client.get(reverse("clinic:dashboard")).status_code == 302


def test_a_lockout_is_kept_to_its_username():
    staff_member("ana")
    staff_member("ben")
    client = Client()

    for _attempt in range(5):
        sign_in(client, "ana", "guess")

    assert sign_in(client, "ben", PASSWORD).status_code == 302


def test_signing_out_ends_the_session():
    client = signed_in(staff_member())

    response = client.post(reverse("clinic:logout"))

    assert response.status_code == 302
    assert client.get(reverse("clinic:dashboard")).status_code == 302


def test_staff_sessions_end_with_the_working_day(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_the_public_nav_offers_the_workspace_only_to_staff():
    store_tiny()

    public = Client().get("/").content.decode()
    staff = signed_in(staff_member()).get("/").content.decode()

    assert reverse("clinic:dashboard") not in public
    assert reverse("clinic:dashboard") in staff
