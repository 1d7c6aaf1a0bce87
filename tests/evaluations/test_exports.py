"""Exports of evaluation results (evaluations/exports.py): the figures the page shows, withheld
where it withholds them, for the viewer's scope; free text on its own sheet, without names and
never run as a formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from evaluations.enums import Step
from evaluations.selectors.results import FEWER_THAN_MINIMUM, WOULD_SHOW_OTHERS
from tests.accounts.factories import UserFactory, enrol_totp
from tests.evaluations.test_selectors_results import World, build_world

pytestmark = pytest.mark.django_db

AFTER = str(Step.AFTER.label)
FOLLOW_UP = str(Step.FOLLOW_UP.label)


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def team_client(client: Client) -> Client:
    user = UserFactory.create(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    return client


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def export(client: Client, file_format: str, **query: Any) -> Any:
    return client.get(reverse("evaluations_results:export", args=[file_format]), query)


def test_the_csv_holds_the_figures(team_client: Client, world: World) -> None:
    response = export(team_client, "csv", session=world.session.pk)
    assert f"evaluation-results-session-{world.session.pk}.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    rates = {
        r["Step"]: (r["Asked"], r["People answering"], r["Response rate (%)"])
        for r in rows
        if r["Section"] == "Response rate"
    }
    assert rates == {
        str(Step.BEFORE.label): ("6", "6", "100.0"),
        AFTER: ("6", "6", "100.0"),
        FOLLOW_UP: ("5", "5", "100.0"),
    }
    neglect = {
        r["Step"]: (r["People answering"], r["Average rating"], r["Change since before"])
        for r in rows
        if r["Section"] == "Confidence" and r["Question or learning outcome"] == "Recognise neglect"
    }
    assert neglect == {
        str(Step.BEFORE.label): ("6", "2.0", ""),
        AFTER: ("6", "4.0", "2.0"),
        FOLLOW_UP: ("5", "3.6", "1.6"),
    }
    (after,) = [
        r
        for r in rows
        if r["Section"] == "Question"
        and r["Step"] == AFTER
        and r["Question or learning outcome"] == world.neglect.text
    ]
    assert [after[f"Rated {n}"] for n in range(1, 6)] == ["0", "0", "1", "4", "1"]
    (recommend,) = [r for r in rows if r["Question or learning outcome"] == world.recommend.text]
    assert (recommend["Yes"], recommend["No"]) == ("5", "1")


def test_a_withheld_figure_is_blank_with_the_reason(team_client: Client, world: World) -> None:
    rows = csv_rows(export(team_client, "csv", session=world.session.pk))
    (referral,) = [
        r
        for r in rows
        if r["Section"] == "Confidence"
        and r["Question or learning outcome"] == "Make a referral"
        and r["Step"] == FOLLOW_UP
    ]
    assert (referral["People answering"], referral["Average rating"]) == ("", "")
    assert referral["Note"] == FEWER_THAN_MINIMUM


def test_the_export_withholds_what_a_filter_would_give_away(
    team_client: Client, world: World
) -> None:
    """Lewisham's five of six straight after: withheld, as on the page."""
    rows = csv_rows(export(team_client, "csv", organisation=world.organisation.pk))
    (after,) = [
        r
        for r in rows
        if r["Section"] == "Question"
        and r["Step"] == AFTER
        and r["Question or learning outcome"] == world.neglect.text
    ]
    assert (after["Average rating"], after["Note"]) == ("", WOULD_SHOW_OTHERS)


def test_the_export_is_scoped_to_the_viewer(client: Client, world: World) -> None:
    """Lewisham's coordinator exports their five staff's answers, not the police officer's."""
    enrol_totp(world.coordinator)
    client.force_login(world.coordinator)
    rows = csv_rows(export(client, "csv"))
    (after,) = [r for r in rows if r["Section"] == "Response rate" and r["Step"] == AFTER]
    assert after["Asked"] == "5"
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx").content))
    answers = [row[2] for row in workbook["Free text"].iter_rows(min_row=2, values_only=True)]
    assert "Challenge drift in plans." not in answers


def test_the_workbook_holds_the_figures_and_the_free_text(
    team_client: Client, world: World
) -> None:
    response = export(team_client, "xlsx", session=world.session.pk)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Results", "Free text"]
    results = list(workbook["Results"].iter_rows(values_only=True))
    (neglect_after,) = [
        row
        for row in results
        if row[0] == "Confidence" and row[1] == AFTER and row[2] == "Recognise neglect"
    ]
    assert (neglect_after[5], neglect_after[7], neglect_after[8]) == (6, 4.0, 2.0)
    texts = list(workbook["Free text"].iter_rows(min_row=2, values_only=True))
    answers = [str(row[2]) for row in texts if row[1] == world.differently.text]
    assert answers == sorted(answers)
    assert len(answers) == 6
    comments = [row[2] for row in texts if row[0] == FOLLOW_UP]
    assert len(comments) == 5
    for booking in world.bookings:
        for row in [*results, *texts]:
            assert booking.user.last_name not in [str(cell) for cell in row]


def test_free_text_starting_like_a_formula_is_not_run(team_client: Client, world: World) -> None:
    from evaluations.models import Answer

    Answer.objects.filter(question=world.differently).update(text='=HYPERLINK("x")')
    response = export(team_client, "xlsx", session=world.session.pk)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    texts = [row[2] for row in workbook["Free text"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x")' in texts
    assert '=HYPERLINK("x")' not in texts
