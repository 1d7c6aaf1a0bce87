"""The route finder ("Where do I escalate?") and its A4 poster."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cms.enums import TimescaleUnit
from cms.models.pages import EscalationGuidePage
from tests.cms.factories import guide_page, organisation_page, review_dates, stage
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FINDER = reverse("cms:route_finder")
POSTER = reverse("cms:route_poster")


def _guide(name: str, slug: str, **fields: Any) -> EscalationGuidePage:
    page = organisation_page(OrganisationFactory(name=name, slug=slug))
    return guide_page(page, **fields)


@pytest.fixture
def school() -> EscalationGuidePage:
    """The organisation a practitioner works for: three stages, the last one immediate."""
    return _guide(
        "Brockley Primary School",
        "brockley-primary",
        stages=[
            stage("Talk to the class teacher", role="Class teacher"),
            stage("Talk to the designated safeguarding lead", amount=2, role="DSL"),
            stage(
                "Talk to the headteacher",
                amount=None,
                unit=TimescaleUnit.IMMEDIATELY,
                role="Headteacher",
                name="Łucja Ó'Brien",
                phone="020 8690 1111",
            ),
        ],
    )


@pytest.fixture
def social_care() -> EscalationGuidePage:
    """The organisation they disagree with: two stages, with a named, non-ASCII contact."""
    return _guide(
        "Children\u2019s Social Care",
        "childrens-social-care",
        stages=[
            stage("Talk to the social worker", role="Social worker", name="Zoë Nguyễn"),
            stage(
                "Talk to the head of service",
                amount=5,
                role="Head of service",
                phone="020 8314 7777",
            ),
        ],
    )


def _text(response: Any) -> str:
    """The page's text without tags, entities decoded and spaces collapsed."""
    content = response.content.decode()
    content = re.sub(r"<[^>]+>", " ", content)
    return " ".join(html.unescape(content).split())


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_form_offers_organisations_with_a_live_guide(
    client: Any, school: EscalationGuidePage, social_care: EscalationGuidePage
) -> None:
    """The form lists organisations with a live guide only, and always says to call 999."""
    _guide("Draft Academy", "draft-academy", live=False)
    organisation_page(OrganisationFactory(name="No Guide Trust", slug="no-guide"))

    response = client.get(FINDER)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_from">' in content
    assert '<label class="govuk-label govuk-label--s" for="id_to">' in content
    assert '<select class="govuk-select" id="id_from" name="from"' in content
    assert '<option value="brockley-primary">Brockley Primary School</option>' in content
    assert 'value="childrens-social-care"' in content
    assert "draft-academy" not in content
    assert "no-guide" not in content
    text = _text(response)
    assert "Where do I escalate?" in text
    assert "Show routes" in text
    assert "If a child is in immediate danger, call 999." in text
    assert "Worried about a child?" in text
    assert "Stage 1" not in text


def test_both_routes_are_shown_stage_by_stage(
    client: Any, school: EscalationGuidePage, social_care: EscalationGuidePage
) -> None:
    """Your route and theirs are shown side by side, each stage in order with its timescale,
    with their urgent and out-of-hours routes, links to the guides and the review dates."""
    response = client.get(FINDER, {"from": "brockley-primary", "to": "childrens-social-care"})

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("govuk-grid-column-one-half") == 2
    text = _text(response)
    assert "If a child is in immediate danger, call 999." in text
    assert "Worried about a child? " in text
    assert "020 8314 6660" in text  # the front door, from SafeguardingContacts

    own = text.index("Your organisation Brockley Primary School")
    theirs = text.index("The organisation you disagree with Children\u2019s Social Care")
    assert own < theirs
    school_stages = [
        "Stage 1 Talk to the class teacher Timescale: Within 1 working day",
        "Stage 2 Talk to the designated safeguarding lead Timescale: Within 2 working days",
        "Stage 3 Talk to the headteacher Timescale: Immediately",
    ]
    positions = [text.index(stage_text, own) for stage_text in school_stages]
    assert positions == sorted(positions)
    assert positions[-1] < theirs
    assert text.index("Stage 1 Talk to the social worker Timescale: Within 1 working day") > theirs
    assert (
        text.index("Stage 2 Talk to the head of service Timescale: Within 5 working days") > theirs
    )
    assert "Zoë Nguyễn" in text
    assert "Łucja Ó'Brien" in text
    assert "020 8314 7777" in text
    assert text.count("Urgent, in office hours Urgent concern") == 2
    assert text.count("Out of hours Out of hours") == 2
    assert f'href="{school.url}"' in content
    assert f'href="{social_care.url}"' in content
    next_review = f"{school.next_review:%d %B %Y}".lstrip("0")
    assert f"Next review due {next_review}" in text
    assert "was due for review" not in text
    assert "data-print-page" in content
    poster = f"{POSTER}?from=brockley-primary&amp;to=childrens-social-care"
    assert f'href="{poster}">Download as a PDF poster</a>' in content


def test_a_guide_overdue_for_review_is_warned_about(
    client: Any, school: EscalationGuidePage
) -> None:
    """A route whose guide is past its review date carries a warning to check it first."""
    past = timezone.localdate() - timedelta(days=3)
    _guide("Lewisham Police", "police", **review_dates(next_review=past))

    response = client.get(FINDER, {"from": "brockley-primary", "to": "police"})

    text = _text(response)
    due = f"{past:%d %B %Y}".lstrip("0")
    assert f"Lewisham Police\u2019s escalation guide was due for review on {due}." in text
    assert "Brockley Primary School\u2019s escalation guide was due for review" not in text
    assert "Overdue for review" in text


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ({"from": "", "to": ""}, ["Choose the organisation you work for.", "disagree with."]),
        ({"to": "childrens-social-care"}, ["Choose the organisation you work for."]),
        ({"from": "brockley-primary", "to": ""}, ["Choose the organisation you disagree with."]),
        (
            {"from": "nowhere", "to": "childrens-social-care"},
            ["Choose the organisation you work for from the list."],
        ),
        (
            {"from": "brockley-primary", "to": "draft-academy"},
            ["Choose the organisation you disagree with from the list."],
        ),
        (
            {"from": "no-guide", "to": "brockley-primary"},
            ["Choose the organisation you work for from the list."],
        ),
    ],
)
def test_bad_input_is_explained_and_shows_no_route(
    client: Any,
    school: EscalationGuidePage,
    social_care: EscalationGuidePage,
    query: dict[str, str],
    messages: list[str],
) -> None:
    """Missing or unknown organisations, or ones without a live guide, get a plain message in
    the error summary and by the field, and no route."""
    _guide("Draft Academy", "draft-academy", live=False)
    organisation_page(OrganisationFactory(name="No Guide Trust", slug="no-guide"))

    response = client.get(FINDER, query)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: Where do I escalate?" in content
    assert 'class="govuk-error-summary"' in content
    assert "govuk-form-group--error" in content
    text = _text(response)
    for message in messages:
        assert text.count(message) == 2  # in the summary and by the field
    assert "Stage 1" not in text
    assert "Download as a PDF poster" not in text
    assert "govuk-grid-column-one-half" not in content
    assert "If a child is in immediate danger, call 999." in text


def test_the_same_organisation_twice_shows_its_one_route(
    client: Any, school: EscalationGuidePage, social_care: EscalationGuidePage
) -> None:
    """A disagreement within one organisation shows that organisation's route once."""
    response = client.get(FINDER, {"from": "brockley-primary", "to": "brockley-primary"})

    assert response.status_code == 200
    text = _text(response)
    assert "You chose Brockley Primary School for both, so there is one route" in text
    assert text.count("Stage 1 Talk to the class teacher") == 1
    assert "The organisation you disagree with Brockley" not in text
    assert "govuk-grid-column-one-half" not in response.content.decode()
    assert "Children\u2019s Social Care" not in text.split("Show routes")[1]


def test_from_alone_preselects_your_organisation(
    client: Any, school: EscalationGuidePage, social_care: EscalationGuidePage
) -> None:
    """A guide page's link (?from= only) chooses your organisation and shows no errors."""
    response = client.get(FINDER, {"from": "childrens-social-care"})

    content = response.content.decode()
    assert '<option value="childrens-social-care" selected>' in content
    assert re.findall(r'<option value="([^"]*)" selected>', content) == [
        "childrens-social-care",
        "",
    ]
    assert "govuk-error-summary" not in content
    assert "Stage 1" not in _text(response)


def test_an_unknown_from_alone_preselects_nothing(client: Any, school: EscalationGuidePage) -> None:
    """A stale link's unknown organisation is ignored rather than shown as an error."""
    response = client.get(FINDER, {"from": "closed-down"})

    content = response.content.decode()
    assert re.findall(r'<option value="([^"]*)" selected>', content) == ["", ""]
    assert "govuk-error-summary" not in content


@pytest.mark.parametrize("more_organisations", [0, 4])
def test_the_route_finder_runs_the_same_few_queries(
    client: Any,
    django_assert_num_queries: Any,
    school: EscalationGuidePage,
    social_care: EscalationGuidePage,
    more_organisations: int,
) -> None:
    """However many organisations and stages there are, the routes take the same queries."""
    for number in range(more_organisations):
        _guide(
            f"Extra {number}",
            f"extra-{number}",
            stages=[stage(f"Stage {n}", role="Manager") for n in range(5)],
        )
    query = {"from": "brockley-primary", "to": "childrens-social-care"}
    client.get(FINDER, query)  # warms the site root paths cache, as any earlier request does

    with django_assert_num_queries(4):
        response = client.get(FINDER, query)

    assert "Stage 3 Talk to the headteacher" in _text(response)


def test_the_poster_is_a_pdf_of_both_routes(
    client: Any, school: EscalationGuidePage, social_care: EscalationGuidePage
) -> None:
    """The poster is an A4 PDF download with both organisations, their stages' timescales and
    phone numbers, 999, the front door and the date it was printed."""
    response = client.get(POSTER, {"from": "brockley-primary", "to": "childrens-social-care"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="escalation-routes-brockley-primary-childrens-social-care.pdf"'
    )
    reader = PdfReader(BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    text = _pdf_text(response.content)
    assert "Where to escalate a safeguarding concern" in text
    assert "If a child is in immediate danger, call 999" in text
    assert "Brockley Primary School" in text
    assert "Children\u2019s Social Care" in text
    for timescale in ["Within 1 working day", "Within 2 working days", "Immediately"]:
        assert timescale in text
    assert "Within 5 working days" in text
    assert "Zoë Nguyễn" in text
    assert "Łucja Ó'Brien" in text
    assert "020 8690 1111" in text
    assert "020 8314 7777" in text
    assert "020 8314 6660" in text  # front door
    assert "020 8314 6000" in text  # out of hours
    printed = f"{timezone.localdate():%d %B %Y}".lstrip("0")
    assert f"Printed {printed}" in text
    assert "https://hub.partnership.example/where-to-escalate/" in text


def test_the_poster_of_one_organisation_shows_one_route(
    client: Any, school: EscalationGuidePage
) -> None:
    """The same organisation twice makes a poster of its one route."""
    response = client.get(POSTER, {"from": "brockley-primary", "to": "brockley-primary"})

    assert response["Content-Disposition"] == (
        'attachment; filename="escalation-routes-brockley-primary-brockley-primary.pdf"'
    )
    text = _pdf_text(response.content)
    assert "Within Brockley Primary School" in text
    assert "Theirs:" not in text


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"from": "brockley-primary"},
        {"from": "brockley-primary", "to": "nowhere"},
        {"from": "nowhere", "to": "brockley-primary"},
    ],
)
def test_the_poster_with_bad_input_goes_back_to_the_form(
    client: Any, school: EscalationGuidePage, query: dict[str, str]
) -> None:
    """Without two organisations that have live guides there is no poster: the route finder
    is shown instead, with the same choices, to say what is wrong."""
    response = client.get(POSTER, {**query, "utm_source": "x"})

    assert response.status_code == 302
    expected = FINDER + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    assert response["Location"] == expected
