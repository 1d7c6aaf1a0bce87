"""The partnership team's shadowing page and exports (shadowing/views/partnership.py): every
placement 50 a page, the figures for a period, files without reflections or learning goals, and
query counts that do not grow with the placements."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from shadowing.enums import Status
from shadowing.models import Placement
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import ReflectionFactory, placement_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(client: Client) -> User:
    user = UserFactory.create(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    return user


def csv_lines(response: Any) -> list[list[str]]:
    import csv

    return list(csv.reader(response.content.decode("utf-8-sig").splitlines()))


def test_the_team_sees_every_placement_and_the_figures(client: Client, team: User) -> None:
    completed = ReflectionFactory.create().placement
    waiting = placement_in(Status.AWAITING_MANAGER)
    response = client.get(reverse("shadowing:partnership"))
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {completed, waiting}
    figures = response.context["figures"]
    assert (figures.requested, figures.completed, figures.reflections_written) == (2, 1, 1)
    text = response.content.decode()
    assert "Police" in text  # the visitors' sector, by its label
    # Never what a reflection says, nor the learning goals.
    assert completed.reflection.surprised_me not in text
    assert completed.learning_goals not in text


def test_placements_are_listed_fifty_a_page(client: Client, team: User) -> None:
    opportunity = placement_in(Status.AWAITING_MANAGER).opportunity
    template = Placement.objects.get()
    Placement.objects.bulk_create(
        [
            Placement(
                opportunity=opportunity,
                visitor=MembershipFactory.create(organisation=template.home_organisation),
                home_organisation=template.home_organisation,
                host_organisation=template.host_organisation,
                status=Status.CANCELLED,
                learning_goals="To learn.",
                requested_at=timezone.now(),
            )
            for _ in range(50)
        ]
    )
    first = client.get(reverse("shadowing:partnership"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("shadowing:partnership") + "?page=2")
    assert len(second.context["page"].object_list) == 1


def test_the_period_filters_the_list_the_figures_and_the_export(client: Client, team: User) -> None:
    recent = placement_in(Status.AWAITING_MANAGER)
    old = placement_in(Status.COMPLETED)
    Placement.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=90))
    start = timezone.localdate() - timedelta(days=30)
    query = f"?date_from_day={start.day}&date_from_month={start.month}&date_from_year={start.year}"
    response = client.get(reverse("shadowing:partnership") + query)
    assert list(response.context["page"].object_list) == [recent]
    assert response.context["figures"].requested == 1
    assert response.context["export_csv_url"].endswith(query)
    export = client.get(response.context["export_csv_url"])
    assert [int(row[0]) for row in csv_lines(export)[1:]] == [recent.pk]


def test_a_period_that_ends_before_it_starts_is_an_error(client: Client, team: User) -> None:
    today = timezone.localdate()
    earlier = today - timedelta(days=5)
    query = (
        f"?date_from_day={today.day}&date_from_month={today.month}&date_from_year={today.year}"
        f"&date_to_day={earlier.day}&date_to_month={earlier.month}&date_to_year={earlier.year}"
    )
    response = client.get(reverse("shadowing:partnership") + query)
    assert "The end of the period must be the same as or after its start." in (
        response.content.decode()
    )
    export = client.get(reverse("shadowing:partnership_export", kwargs={"fmt": "csv"}) + query)
    assert export.status_code == 302


def test_the_csv_holds_placements_without_reflections_or_goals(client: Client, team: User) -> None:
    reflection = ReflectionFactory.create()
    response = client.get(reverse("shadowing:partnership_export", kwargs={"fmt": "csv"}))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_lines(response)
    assert rows[0][0] == "Placement"
    assert rows[1][0] == str(reflection.placement_id)
    assert rows[1][-1] == "Yes"
    content = response.content.decode("utf-8-sig")
    assert reflection.surprised_me not in content
    assert reflection.placement.learning_goals not in content


def test_the_matrix_as_csv_and_both_sheets_as_excel(client: Client, team: User) -> None:
    placement_in(Status.COMPLETED)
    placement_in(Status.AWAITING_HOST)
    url = reverse("shadowing:partnership_export", kwargs={"fmt": "csv"})
    rows = csv_lines(client.get(url + "?table=matrix"))
    assert rows[0] == ["Visitor's sector", "Host's sector", "Completed", "Requested"]
    assert ["Police", "Children's social care", "1", "2"] in rows
    assert rows[-1] == ["All sectors", "All sectors", "1", "2"]
    xlsx = client.get(reverse("shadowing:partnership_export", kwargs={"fmt": "xlsx"}))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Placements", "Sectors"]
    assert workbook["Placements"].max_row == 3
    assert list(workbook["Sectors"].iter_rows(values_only=True))[-1] == (
        "All sectors",
        "All sectors",
        1,
        2,
    )
    assert (
        client.get(reverse("shadowing:partnership_export", kwargs={"fmt": "pdf"})).status_code
        == 404
    )


def _placements(count: int) -> None:
    statuses = [Status.COMPLETED, Status.AWAITING_HOST, Status.DECLINED_BY_HOST]
    for index in range(count):
        placement = placement_in(statuses[index % 3])
        if placement.status == Status.COMPLETED:
            ReflectionFactory.create(placement=placement)


@pytest.mark.parametrize("url", ["shadowing:partnership", "shadowing:partnership_export"])
def test_queries_do_not_grow_with_the_placements(
    client: Client, team: User, url: str, django_assert_num_queries: Any
) -> None:
    """The page (and the matrix export) with 3 placements and with 15 make the same queries."""
    address = (
        reverse(url)
        if url == "shadowing:partnership"
        else reverse(url, kwargs={"fmt": "csv"}) + "?table=matrix"
    )
    _placements(3)
    client.get(address)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        assert client.get(address).status_code == 200
    _placements(12)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(address)
    assert response.status_code == 200
    if url == "shadowing:partnership":
        assert response.context["figures"].requested == 15
