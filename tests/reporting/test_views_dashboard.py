"""The reports page and its downloads (reporting/views.py): the partnership team sees the
whole partnership and a coordinator their organisations only, everyone else nothing; every
figure is the snapshot's, whatever live data says since; the downloads hold the page's tables,
with formulas written as text; and the page asks the same number of queries however many
organisations there are."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from reporting.enums import SnapshotHow
from reporting.services.snapshots import snapshot_take
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.reporting.factories import Partnership, partnership_build
from tests.training.factories import TrainingRecordFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reporting:dashboard")


def _export(key: str, fmt: str = "csv") -> str:
    return reverse("reporting:export", kwargs={"key": key, "fmt": fmt})


def _yesterday_taken() -> None:
    snapshot_take(day=timezone.localdate() - timedelta(days=1), how=SnapshotHow.NIGHTLY)


def _privileged(user: User) -> User:
    enrol_totp(user)
    return user


def _people(built: Partnership) -> dict[str, User | None]:
    manager = MembershipFactory.create(organisation=built.police)
    built.cy.line_manager = manager
    built.cy.save()
    return {
        "anonymous": None,
        "staff": built.ada.user,
        "line manager": manager.user,
        "clerk": _privileged(MembershipFactory.create(organisation=built.school, clerk=True).user),
        "coordinator": _privileged(
            MembershipFactory.create(organisation=built.social_care, coordinator=True).user
        ),
        "team": _privileged(UserFactory.create(partnership_team=True)),
    }


@pytest.mark.parametrize(
    ("who", "page", "expected"),
    [
        (who, page, expected)
        for page in ("dashboard", "export")
        for who, expected in [
            ("anonymous", 302),
            ("staff", 404),
            ("line manager", 404),
            ("clerk", 404),
            ("coordinator", 200),
            ("team", 200),
        ]
    ],
)
def test_reports_are_for_the_team_and_coordinators_only(
    client: Client, who: str, page: str, expected: int
) -> None:
    built = partnership_build()
    user = _people(built)[who]
    if user is not None:
        client.force_login(user)
    url = DASHBOARD if page == "dashboard" else _export("bookings")

    response = client.get(url)

    assert response.status_code == expected
    if expected == 302:
        assert reverse("account_login") in response["Location"]


def _rows(client: Client, key: str) -> list[list[str]]:
    content = client.get(_export(key)).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_a_coordinator_sees_their_organisations_figures_only(client: Client) -> None:
    built = partnership_build()
    _yesterday_taken()
    coordinator = _privileged(
        MembershipFactory.create(organisation=built.social_care, coordinator=True).user
    )
    client.force_login(coordinator)

    page = client.get(DASHBOARD).content.decode()
    rows = _rows(client, "compliance-organisations")

    assert "Lewisham children&#x27;s social care" in page
    assert "South East BCU" not in page
    assert [row[0] for row in rows[1:]] == ["Lewisham children's social care"]


def test_the_figures_are_the_snapshots_whatever_has_changed_since(client: Client) -> None:
    built = partnership_build()
    _yesterday_taken()
    # Ben's training, recorded after the snapshot, is not in yesterday's figures.
    TrainingRecordFactory(user=built.ben.user, standards=[built.standard])
    client.force_login(_privileged(UserFactory.create(partnership_team=True)))

    rows = {row[0]: row for row in _rows(client, "compliance-organisations")[1:]}

    assert rows["Lewisham children's social care"][2:] == ["1", "2", "0", "50.0"]
    assert rows["South East BCU"][2:] == ["0", "0", "1", ""]
    page = client.get(DASHBOARD)
    assert page.context["compliance_now"] is not None


def test_a_download_writes_formulas_as_text(client: Client) -> None:
    built = partnership_build()
    built.police.name = "=HYPERLINK(1)"
    built.police.save()
    _yesterday_taken()
    client.force_login(_privileged(UserFactory.create(partnership_team=True)))

    rows = _rows(client, "compliance-organisations")

    assert "'=HYPERLINK(1)" in [row[0] for row in rows]
    workbook = client.get(_export("compliance-organisations", "xlsx"))
    assert workbook.status_code == 200
    assert workbook["Content-Disposition"].startswith("attachment")


def test_an_unknown_table_or_format_is_not_found_and_an_unknown_period_is_the_default(
    client: Client,
) -> None:
    partnership_build()
    client.force_login(_privileged(UserFactory.create(partnership_team=True)))

    assert client.get(_export("people")).status_code == 404
    assert client.get(_export("bookings", "pdf")).status_code == 404
    assert client.get(DASHBOARD, {"period": "forever"}).context["period"].key == "12-months"
    assert client.get(DASHBOARD, {"period": "last-year"}).context["period"].key == "last-year"


def test_the_page_asks_the_same_queries_however_many_organisations(
    client: Client, django_assert_num_queries: Any
) -> None:
    partnership_build()
    _yesterday_taken()
    team = _privileged(UserFactory.create(partnership_team=True))
    client.force_login(team)
    client.get(DASHBOARD)  # warm the caches a first request fills (site, settings)
    with CaptureQueriesContext(connection) as small:
        client.get(DASHBOARD)
    for _ in range(5):
        MembershipFactory(organisation=OrganisationFactory())
    snapshot_take(
        day=timezone.localdate() - timedelta(days=1), how=SnapshotHow.NIGHTLY, replace=True
    )

    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(DASHBOARD).status_code == 200


def test_the_home_page_and_navigation_offer_reports_to_those_who_have_them(
    client: Client,
) -> None:
    built = partnership_build()
    people = _people(built)
    for who, offered in [("staff", False), ("coordinator", True), ("team", True)]:
        user = people[who]
        assert user is not None
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert (f'href="{DASHBOARD}"' in body) is offered, who
