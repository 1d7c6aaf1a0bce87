"""A practitioner finds a course, books a place, sees it on My training and cancels it, in
Chromium under the site's real content security policy; and axe-core finds nothing on the
training pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from organisations.enums import Sector
from tests.accounts.factories import UserFactory
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import main_text, sign_in
from tests.e2e.test_content_security_policy import READ_VIOLATIONS, RECORD_VIOLATIONS
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, Delivery
from training.models import Booking, Course, Session

pytestmark = pytest.mark.browser

COURSE_TITLE = "Working Together to Safeguard Children"


@dataclass
class Programme:
    practitioner: User
    manager: User
    course: Course
    session: Session


@pytest.fixture
def programme(db: None) -> Programme:
    """A council with a practitioner and their manager, and a small programme of courses."""
    council = OrganisationFactory(
        name="Lewisham Children's Social Care", sector=Sector.CHILDRENS_SOCIAL_CARE
    )
    social_worker = JobRoleFactory(name="Social worker", sector=Sector.CHILDRENS_SOCIAL_CARE)
    manager = MembershipFactory(
        organisation=council,
        user=UserFactory(email="manager@lewisham.example", first_name="Morgan"),
    )
    practitioner = MembershipFactory(
        organisation=council,
        job_role=social_worker,
        line_manager=manager,
        user=UserFactory(email="practitioner@lewisham.example", first_name="Pat"),
    )
    level_2 = TrainingStandardFactory(name="Safeguarding children level 2", slug="level-2")
    course = CourseFactory(
        title=COURSE_TITLE,
        slug="working-together",
        outcomes="Know who to tell about a concern\nShare information safely",
        late_cancellation_charge=Decimal("40"),
    )
    course.standards.add(level_2)
    session = SessionFactory(course=course, parts__days_ahead=21, capacity=20)
    SessionFactory(course=course, parts__days_ahead=35)
    conferences = CourseFactory(
        title="Child protection conferences and core groups", requires_manager_approval=True
    )
    full = SessionFactory(course=conferences, parts__days_ahead=14, capacity=1)
    BookingFactory(session=full)
    CourseFactory(title="Safeguarding children level 1", delivery=Delivery.ELEARNING)
    # A request waiting for the manager, so the approvals page has a row to check.
    approval_session = SessionFactory(course=conferences, parts__days_ahead=28)
    BookingFactory(
        session=approval_session,
        attendee=MembershipFactory(organisation=council, line_manager=manager),
        status=BookingStatus.AWAITING_APPROVAL,
    )
    return Programme(practitioner.user, manager.user, course, session)


def test_practitioner_books_and_cancels_a_place(page: Page, programme: Programme) -> None:
    """Find the course, book a place, see it on My training, cancel it; the browser refuses
    nothing on the way (no inline script or style)."""
    page.add_init_script(RECORD_VIOLATIONS)
    refused: list[str] = []
    page.on("load", lambda loaded: refused.extend(loaded.evaluate(READ_VIOLATIONS)))
    sign_in(page, programme.practitioner.email)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", name="Find a course")).to_be_visible()
    page.get_by_role("link", name=COURSE_TITLE).click()
    expect(page.get_by_role("heading", name=COURSE_TITLE)).to_be_visible()

    page.get_by_role("link", name="Book a place").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Book a place").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"You have a place on {COURSE_TITLE}")
    assert Booking.objects.get(user=programme.practitioner).status == BookingStatus.CONFIRMED

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My training").click()
    upcoming = page.get_by_role("table").first
    expect(upcoming).to_contain_text(COURSE_TITLE)

    upcoming.get_by_role("link", name="Cancel booking").click()
    expect(page.get_by_role("heading", name="Cancel your booking")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You can cancel free of charge until")
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel booking").click()

    assert page.url.endswith(reverse("compliance:my_training")), main_text(page)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have cancelled the booking"
    )
    expect(page.locator("main")).to_contain_text("You are not booked on any sessions.")
    assert Booking.objects.get(user=programme.practitioner).status == BookingStatus.CANCELLED
    assert refused == [], refused


def test_training_pages_are_accessible(axe_page: Page, programme: Programme) -> None:
    """axe-core finds no WCAG 2.2 AA violations on the catalogue (filtered and with an error),
    a course, a session before and after booking, cancelling and My training."""
    sign_in(axe_page, programme.practitioner.email)
    session_url = reverse("training:session", kwargs={"pk": programme.session.pk})
    for url in [
        reverse("training:catalogue"),
        reverse("training:catalogue") + "?standard=level-2&has_places=on&eligible=on",
        reverse("training:catalogue") + "?date_from_day=31&date_from_month=2&date_from_year=2027",
        programme.course.get_absolute_url(),
        session_url,
    ]:
        response = axe_page.goto(url)
        assert response is not None
        assert response.ok, f"{url} answered {response.status}"
        assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Book a place").click()
    assert_accessible(axe_page)  # the booked session, with its success banner

    booking = Booking.objects.get(user=programme.practitioner)
    for url in [
        reverse("training:booking_cancel", kwargs={"pk": booking.pk}),
        reverse("compliance:my_training"),
    ]:
        axe_page.goto(url)
        assert_accessible(axe_page)


def test_approval_pages_are_accessible(axe_page: Page, programme: Programme) -> None:
    """The manager's list of requests and the page for declining one."""
    sign_in(axe_page, programme.manager.email)
    axe_page.goto(reverse("training:approvals"))
    expect(axe_page.get_by_role("button", name="Approve")).to_be_visible()
    assert_accessible(axe_page)

    axe_page.get_by_role("link", name="Decline").click()
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Decline").click()
    expect(axe_page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(axe_page)
