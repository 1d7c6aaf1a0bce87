"""Review reminders (cms.services.reviews): 30 days before a guide or procedure's review date
and on the date, each once for each review date, to the owner or whoever stands in for one."""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.models import User
from cms.enums import ReviewReminderKind
from cms.models import EscalationGuidePage, OrganisationPage, ReviewReminder
from cms.selectors.reviews import review_reminders_due
from cms.services import reviews
from cms.services.reviews import review_reminders_send
from tests.accounts.factories import UserFactory
from tests.cms.factories import guide_page, organisation_page, procedure_page, publish
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://hub.partnership.example"  # tests/conftest.py sets it


@pytest.fixture
def review_on() -> date:
    """A review date far enough ahead that every day of a page's reminders can be swept."""
    return timezone.localdate() + timedelta(days=100)


@pytest.fixture
def lewisham() -> OrganisationPage:
    return organisation_page(OrganisationFactory.create(name="Lewisham Children's Social Care"))


@pytest.fixture
def owner(lewisham: OrganisationPage) -> User:
    """The guide's owner, who works at the organisation."""
    return MembershipFactory.create(
        organisation=lewisham.organisation,
        user=UserFactory.create(first_name="Amara", email="amara.okafor@lewisham.example"),
    ).user


@pytest.fixture
def guide(lewisham: OrganisationPage, owner: User, review_on: date) -> EscalationGuidePage:
    return guide_page(lewisham, review_owner=owner, next_review=review_on)


def sweep(on: date) -> int:
    return review_reminders_send(today=on)


def sent() -> list[tuple[int, str, date]]:
    return sorted(ReviewReminder.objects.values_list("page_id", "kind", "next_review"))


# When ------------------------------------------------------------------------------------------


def test_each_reminder_goes_once_on_its_day(
    guide: EscalationGuidePage, owner: User, review_on: date
) -> None:
    """Nothing 31 days before; "due soon" 30 days before; "due" on the date; nothing else,
    however often the sweep runs."""
    days: list[tuple[int, int]] = [
        (-31, 0),
        (-30, 1),
        (-30, 0),  # the same day again
        (-29, 0),
        (-1, 0),
        (0, 1),
        (0, 0),
        (1, 0),
        (6, 0),
        (30, 0),
    ]
    for offset, expected in days:
        on = review_on + timedelta(days=offset)
        assert sweep(on) == expected, f"day {offset}"
        assert review_reminders_due(today=on) == [], f"day {offset}: sent, yet still due"

    assert [message.to for message in mail.outbox] == [[owner.email], [owner.email]]
    assert sent() == [
        (guide.pk, ReviewReminderKind.DUE.value, review_on),
        (guide.pk, ReviewReminderKind.DUE_SOON.value, review_on),
    ]


def test_due_soon_goes_on_the_first_sweep_in_the_30_days(
    guide: EscalationGuidePage, review_on: date
) -> None:
    """A page published (or a system deployed) with its review date 10 days away is reminded
    at once, with "due soon" only: the "due" reminder waits for the date."""
    assert sweep(review_on - timedelta(days=10)) == 1

    assert sent() == [(guide.pk, ReviewReminderKind.DUE_SOON.value, review_on)]


@pytest.mark.parametrize(("days_late", "expected"), [(1, 1), (6, 1), (7, 0), (200, 0)])
def test_a_missed_review_date_is_reminded_for_a_week_only(
    guide: EscalationGuidePage, review_on: date, days_late: int, expected: int
) -> None:
    """Sweeps missed on the date are made up for 6 days after it; a page overdue for longer
    when reminders begin (as on the first deployment) gets no flood of old reminders."""
    assert sweep(review_on + timedelta(days=days_late)) == expected

    assert [message.subject for message in mail.outbox] == [
        f"Review was due on {review_on:%-d %B %Y}: {guide.title}"
    ] * expected


def test_a_new_review_date_gets_reminders_of_its_own(
    guide: EscalationGuidePage, owner: User, review_on: date
) -> None:
    """Once the owner publishes the next review date, the old one is forgotten and the new
    one is reminded 30 days before and on the day."""
    sweep(review_on - timedelta(days=30))
    sweep(review_on)
    next_year = review_on + timedelta(days=365)
    guide.next_review = next_year
    publish(guide)

    assert sweep(review_on + timedelta(days=1)) == 0
    assert sweep(next_year - timedelta(days=31)) == 0
    assert sweep(next_year - timedelta(days=30)) == 1
    assert sweep(next_year) == 1
    assert sweep(next_year) == 0

    assert sent() == [
        (guide.pk, ReviewReminderKind.DUE.value, review_on),
        (guide.pk, ReviewReminderKind.DUE.value, next_year),
        (guide.pk, ReviewReminderKind.DUE_SOON.value, review_on),
        (guide.pk, ReviewReminderKind.DUE_SOON.value, next_year),
    ]
    assert len(mail.outbox) == 4


def test_a_new_review_date_saved_as_a_draft_changes_nothing(
    guide: EscalationGuidePage, review_on: date
) -> None:
    """Only the published review date counts: a draft is not yet what readers see."""
    draft = EscalationGuidePage.objects.get(pk=guide.pk)
    draft.next_review = review_on + timedelta(days=365)
    draft.save_revision()

    assert sweep(review_on) == 1

    assert sent() == [(guide.pk, ReviewReminderKind.DUE.value, review_on)]


def test_pages_not_live_are_not_reminded(lewisham: OrganisationPage, review_on: date) -> None:
    """A draft never published, and a page taken down, have nothing for readers to rely on."""
    guide_page(lewisham, live=False, next_review=review_on, review_owner=UserFactory.create())
    unpublished = procedure_page(next_review=review_on, review_owner=UserFactory.create())
    unpublished.unpublish()

    assert sweep(review_on - timedelta(days=30)) == 0
    assert sweep(review_on) == 0
    assert mail.outbox == []


def test_private_pages_are_reminded(guide: EscalationGuidePage, review_on: date) -> None:
    """A page behind a password is still read by someone, so still kept up to date."""
    PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    assert sweep(review_on) == 1


def test_procedures_are_reminded_too(lewisham: OrganisationPage, review_on: date) -> None:
    owner = MembershipFactory.create(organisation=lewisham.organisation).user
    procedure = procedure_page(lewisham, review_owner=owner, next_review=review_on)

    assert sweep(review_on - timedelta(days=30)) == 1

    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert sent() == [(procedure.pk, ReviewReminderKind.DUE_SOON.value, review_on)]


def test_finding_what_is_due_takes_the_same_queries_however_many_pages(
    lewisham: OrganisationPage, review_on: date, django_assert_num_queries: Any
) -> None:
    """Two kinds of page, two kinds of reminder: four queries for one page or for many."""
    for _ in range(5):
        procedure_page(lewisham, next_review=review_on, review_owner=UserFactory.create())
        guide_page(organisation_page(), next_review=review_on, review_owner=UserFactory.create())

    with django_assert_num_queries(4):
        due = review_reminders_due(today=review_on)
        owners = [reminder.page.review_owner.email for reminder in due]

    assert len(owners) == 10


# Who -------------------------------------------------------------------------------------------


def test_without_an_owner_the_organisations_web_editors_are_reminded(
    lewisham: OrganisationPage, review_on: date
) -> None:
    """Only current web editors with an active account: not other staff, nor editors who left."""
    organisation = lewisham.organisation
    editors = [
        MembershipFactory.create(organisation=organisation, web_editor=True).user for _ in range(2)
    ]
    MembershipFactory.create(organisation=organisation)
    MembershipFactory.create(
        organisation=organisation,
        web_editor=True,
        start_date=review_on - timedelta(days=400),
        end_date=review_on - timedelta(days=40),
    )
    MembershipFactory.create(
        organisation=organisation, web_editor=True, user=UserFactory.create(is_active=False)
    )
    MembershipFactory.create(web_editor=True)  # another organisation's
    UserFactory.create(partnership_team=True)
    guide = guide_page(lewisham, review_owner=None, next_review=review_on)

    assert sweep(review_on - timedelta(days=30)) == 1

    assert sorted(message.to[0] for message in mail.outbox) == sorted(u.email for u in editors)
    assert ReviewReminder.objects.get(page=guide).recipients == ", ".join(
        sorted(u.email for u in editors)
    )
    assert "It has no review owner, so this email goes to the web editors of Lewisham " in (
        mail.outbox[0].body
    )


def test_an_owner_whose_account_is_closed_is_stood_in_for(
    lewisham: OrganisationPage, review_on: date
) -> None:
    editor = MembershipFactory.create(organisation=lewisham.organisation, web_editor=True).user
    gone = MembershipFactory.create(
        organisation=lewisham.organisation,
        user=UserFactory.create(first_name="Ola", last_name="Bakare", is_active=False),
    ).user
    guide_page(lewisham, review_owner=gone, next_review=review_on)

    assert sweep(review_on) == 1

    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert (
        "Its review owner, Ola Bakare, has left Lewisham Children's Social Care, so this email "
        "goes to the web editors of Lewisham Children's Social Care. You can choose a new owner"
    ) in mail.outbox[0].body


def test_an_owner_who_left_the_organisation_is_stood_in_for(
    lewisham: OrganisationPage, owner: User, review_on: date
) -> None:
    """The admin keeps a leaver chosen as owner until an editor picks someone else; they can
    no longer change the page, so its web editors are reminded instead."""
    editor = MembershipFactory.create(organisation=lewisham.organisation, web_editor=True).user
    guide_page(lewisham, review_owner=owner, next_review=review_on)
    owner.memberships.update(end_date=review_on - timedelta(days=31))
    MembershipFactory.create(user=owner)  # now works elsewhere

    assert sweep(review_on - timedelta(days=30)) == 1

    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert f"Its review owner, {owner.get_full_name()}, has left Lewisham" in mail.outbox[0].body


def test_a_partnership_team_owner_of_an_organisations_page_is_reminded(
    lewisham: OrganisationPage, review_on: date
) -> None:
    MembershipFactory.create(organisation=lewisham.organisation, web_editor=True)
    team_member = UserFactory.create(partnership_team=True)
    guide_page(lewisham, review_owner=team_member, next_review=review_on)

    assert sweep(review_on) == 1

    assert [message.to for message in mail.outbox] == [[team_member.email]]


def test_a_partnership_procedure_without_an_owner_goes_to_the_partnership_team(
    review_on: date,
) -> None:
    team = [UserFactory.create(partnership_team=True) for _ in range(2)]
    UserFactory.create(partnership_team=True, is_active=False)
    MembershipFactory.create(web_editor=True)
    procedure_page(review_owner=None, next_review=review_on)

    assert sweep(review_on) == 1

    assert sorted(message.to[0] for message in mail.outbox) == sorted(u.email for u in team)
    assert "It has no review owner, so this email goes to the partnership team." in (
        mail.outbox[0].body
    )


def test_an_organisation_with_no_web_editor_left_falls_to_the_partnership_team(
    lewisham: OrganisationPage, review_on: date
) -> None:
    team = UserFactory.create(partnership_team=True)
    guide_page(lewisham, review_owner=None, next_review=review_on)

    assert sweep(review_on) == 1

    assert [message.to for message in mail.outbox] == [[team.email]]
    assert (
        "It has no review owner and Lewisham Children's Social Care has no web editor, so this "
        "email goes to the partnership team."
    ) in mail.outbox[0].body


def test_with_nobody_to_remind_nothing_is_recorded_and_it_is_tried_again(
    review_on: date, caplog: pytest.LogCaptureFixture
) -> None:
    procedure = procedure_page(review_owner=None, next_review=review_on)

    with caplog.at_level(logging.WARNING, logger="cms.services.reviews"):
        assert sweep(review_on - timedelta(days=20)) == 0

    assert "review reminder has nobody to go to" in caplog.messages
    assert not ReviewReminder.objects.exists()
    team = UserFactory.create(partnership_team=True)
    assert sweep(review_on - timedelta(days=19)) == 1
    assert [message.to for message in mail.outbox] == [[team.email]]
    assert sent() == [(procedure.pk, ReviewReminderKind.DUE_SOON.value, review_on)]


def test_a_failed_email_is_sent_by_the_next_sweep(
    guide: EscalationGuidePage, review_on: date, settings: Any
) -> None:
    """The mail server failing leaves no sent-log row, and other reminders still go."""
    other_owner = UserFactory.create()
    other = procedure_page(review_owner=other_owner, next_review=review_on)
    settings.EMAIL_BACKEND = "tests.training.test_notifications.FailingEmailBackend"
    from tests.training.test_notifications import FailingEmailBackend

    FailingEmailBackend.failing = [guide.review_owner.email]
    try:
        assert sweep(review_on) == 1
    finally:
        FailingEmailBackend.failing = ()
    assert sent() == [(other.pk, ReviewReminderKind.DUE.value, review_on)]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(review_on + timedelta(days=1)) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [other_owner.email, guide.review_owner.email]
    )


# What ------------------------------------------------------------------------------------------


def test_the_due_soon_email(guide: EscalationGuidePage, review_on: date) -> None:
    """Says what is due and by when, links to the page and to its edit page, and says that
    publishing goes through the partnership's approval."""
    sweep(review_on - timedelta(days=30))

    [message] = mail.outbox
    assert message.subject == (
        f"Review due by {review_on:%-d %B %Y}: "
        "How to escalate a concern at Lewisham Children's Social Care"
    )
    body = message.body
    assert body.startswith("Dear Amara,\n\n")
    assert (
        'The escalation guide "How to escalate a concern at Lewisham Children\'s Social Care" '
        f"is due for review by {review_on:%-d %B %Y}." in body
    )
    assert "You are getting this email because you are its review owner." in body
    assert "Publishing goes through the partnership's approval" in body
    assert f"{SITE_URL}/partners/{guide.get_parent().slug}/escalation/\n" in body
    assert f"{SITE_URL}/admin/pages/{guide.pk}/edit/\n" in body
    assert "&#x27;" not in body + message.subject
    assert "\n\n\n" not in body


def test_the_due_email_on_the_day(guide: EscalationGuidePage, review_on: date) -> None:
    sweep(review_on)

    [message] = mail.outbox
    assert message.subject == (
        "Review due today: How to escalate a concern at Lewisham Children's Social Care"
    )
    assert f"is due for review today, {review_on:%-d %B %Y}." in message.body
    assert "From tomorrow it will show as overdue for review" in message.body
    assert f"{SITE_URL}/admin/pages/{guide.pk}/edit/\n" in message.body
    assert "submit it for approval" in message.body


def test_the_due_email_a_few_days_late(guide: EscalationGuidePage, review_on: date) -> None:
    sweep(review_on + timedelta(days=3))

    [message] = mail.outbox
    assert message.subject.startswith(f"Review was due on {review_on:%-d %B %Y}: ")
    assert f"was due for review on {review_on:%-d %B %Y}. It shows as overdue" in message.body


def test_a_partnership_procedure_email_links_to_it(review_on: date) -> None:
    owner = UserFactory.create()
    procedure = procedure_page(
        title="Information sharing protocol",
        slug="information-sharing",
        review_owner=owner,
        next_review=review_on,
    )

    sweep(review_on - timedelta(days=30))

    [message] = mail.outbox
    assert message.subject == f"Review due by {review_on:%-d %B %Y}: Information sharing protocol"
    assert 'The procedure "Information sharing protocol" is due for review' in message.body
    assert f"{SITE_URL}/procedures/information-sharing/\n" in message.body
    assert f"{SITE_URL}/admin/pages/{procedure.pk}/edit/\n" in message.body


# Two sweeps at once (PostgreSQL, real threads) -------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_one_email(
    monkeypatch: pytest.MonkeyPatch, settings: Any, review_on: date
) -> None:
    """Both sweeps find the reminder due before either sends it; the owner gets one email: the
    second sender's sent-log row waits for the first's transaction, then clashes with it."""
    settings.EMAIL_BACKEND = "tests.training.test_notifications.SlowEmailBackend"
    owner = UserFactory.create()
    procedure = procedure_page(review_owner=owner, next_review=review_on)
    selected = threading.Barrier(2)
    select = reviews.review_reminders_due

    def select_then_wait(**kwargs: Any) -> Any:
        found = select(**kwargs)
        selected.wait(timeout=20)
        return found

    monkeypatch.setattr(reviews, "review_reminders_due", select_then_wait)
    results: list[int] = []

    def run() -> None:
        try:
            results.append(sweep(review_on))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 1]
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert sent() == [(procedure.pk, ReviewReminderKind.DUE.value, review_on)]
