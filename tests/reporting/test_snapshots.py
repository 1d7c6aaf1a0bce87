"""Taking a day's snapshot (reporting.services.snapshots): one set a day, unchanged by a second
run, figures that agree with the apps' own selectors, and a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.enums import ComplianceStatus
from compliance.models import ComplianceRules
from compliance.selectors.governors import take_up
from compliance.selectors.statuses import ComplianceDay, requirement_rows, status_counts
from organisations.enums import GovernorRole, Sector
from organisations.models import Membership
from reporting.enums import ALL_PARTS, SnapshotHow, SnapshotPart
from reporting.models import (
    BookingFigure,
    ComplianceFigure,
    EvaluationFigure,
    GovernorFigure,
    SessionMixFigure,
    ShadowingFigure,
    Snapshot,
)
from reporting.services.snapshots import SnapshotDayNotClosed, snapshot_take
from shadowing.enums import Status
from tests.evaluations.factories import AnswerFactory, InvitationFactory, QuestionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.reporting.factories import EDITION, clock_on, partnership_build
from tests.shadowing.factories import OpportunityFactory, placement_in, visitor_membership
from tests.training.factories import BookingFactory, SessionFactory, TrainingRecordFactory
from training.enums import BookingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _edition() -> None:
    """The edition the partnership's governors declared is the current one."""
    rules = ComplianceRules.load()
    rules.guidance_edition = EDITION
    rules.save()


def _yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def _compliance(snapshot: Snapshot) -> set[tuple[str, str, str, int]]:
    return set(
        ComplianceFigure.objects.filter(snapshot=snapshot).values_list(
            "organisation_name", "standard_name", "status", "rows"
        )
    )


def test_a_day_has_one_snapshot() -> None:
    """The database refuses a second set of figures for the same day."""
    day = _yesterday()
    Snapshot.objects.create(day=day, taken_at=timezone.now(), how=SnapshotHow.NIGHTLY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(day=day, taken_at=timezone.now(), how=SnapshotHow.BY_HAND)


def test_a_figure_is_stored_once_for_its_dimensions() -> None:
    """Within one snapshot, one organisation, standard and status have one row."""
    built = partnership_build()
    snapshot = snapshot_take(day=_yesterday(), how=SnapshotHow.NIGHTLY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplianceFigure.objects.create(
            snapshot=snapshot,
            organisation=built.social_care,
            organisation_name="Again",
            sector=Sector.CHILDRENS_SOCIAL_CARE,
            standard=built.standard,
            standard_name="Again",
            status=ComplianceStatus.IN_DATE,
            rows=1,
        )


def test_taking_a_day_twice_keeps_the_first_set() -> None:
    """A second run for a day already taken stores nothing new, even after live data changed:
    one snapshot, the same rows."""
    built = partnership_build()
    day = _yesterday()
    first = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)
    before = _compliance(first)
    TrainingRecordFactory(user=built.ben.user, standards=[built.standard], completed_on=day)

    second = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)

    assert second.pk == first.pk
    assert Snapshot.objects.count() == 1
    assert _compliance(second) == before


def test_replacing_a_day_takes_it_again_as_one_set() -> None:
    """With `replace`, the day's figures are worked out again and the old ones are gone."""
    built = partnership_build()
    day = _yesterday()
    snapshot_take(day=day, how=SnapshotHow.NIGHTLY)
    TrainingRecordFactory(user=built.ben.user, standards=[built.standard], completed_on=day)

    again = snapshot_take(day=day, how=SnapshotHow.BY_HAND, replace=True)

    assert Snapshot.objects.get() == again
    assert again.how == SnapshotHow.BY_HAND
    social_care = ComplianceFigure.objects.filter(
        snapshot=again, organisation=built.social_care
    ).values_list("status", "rows")
    assert set(social_care) == {(ComplianceStatus.IN_DATE, 2)}
    assert (
        ComplianceFigure.objects.count() == ComplianceFigure.objects.filter(snapshot=again).count()
    )


def test_a_day_not_yet_ended_is_refused() -> None:
    """Today's figures are not final, so they cannot be taken until tomorrow."""
    with pytest.raises(SnapshotDayNotClosed, match="once it ends"):
        snapshot_take(day=timezone.localdate(), how=SnapshotHow.BY_HAND)
    assert not Snapshot.objects.exists()


def test_compliance_figures_are_what_compliance_counts() -> None:
    """Each organisation's and standard's statuses are compliance's own counts for the day."""
    built = partnership_build()
    day = _yesterday()

    snapshot = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)

    name = built.standard.name
    assert _compliance(snapshot) == {
        ("Lewisham children's social care", name, ComplianceStatus.IN_DATE, 1),
        ("Lewisham children's social care", name, ComplianceStatus.MISSING, 1),
        ("South East BCU", name, ComplianceStatus.NEW_STARTER, 1),
        ("Hill Primary", name, ComplianceStatus.IN_DATE, 1),
        ("Hill Primary", name, ComplianceStatus.MISSING, 1),
    }
    counts = status_counts(
        requirement_rows(ComplianceDay(on=day, due_soon_days=30)), "organisation_id"
    )
    for line in counts:
        stored = ComplianceFigure.objects.filter(
            snapshot=snapshot, organisation_id=line.group["organisation_id"]
        )
        assert {f.status: f.rows for f in stored} == {
            s: getattr(line, s) for s in ComplianceStatus.values if getattr(line, s)
        }


def test_a_past_day_counts_compliance_as_it_stood_then() -> None:
    """Training completed after the day does not count on it."""
    built = partnership_build()
    yesterday = _yesterday()
    TrainingRecordFactory(user=built.ben.user, standards=[built.standard], completed_on=yesterday)

    earlier = snapshot_take(day=yesterday - timedelta(days=1), how=SnapshotHow.BACKFILL)
    later = snapshot_take(day=yesterday, how=SnapshotHow.NIGHTLY)

    def social_care(snapshot: Snapshot) -> dict[str, int]:
        figures = ComplianceFigure.objects.filter(snapshot=snapshot, organisation=built.social_care)
        return {f.status: f.rows for f in figures}

    assert social_care(earlier) == {ComplianceStatus.IN_DATE: 1, ComplianceStatus.MISSING: 1}
    assert social_care(later) == {ComplianceStatus.IN_DATE: 2}


def test_governor_figures_are_the_take_up_by_role() -> None:
    """Each school's governors are counted by role, as governors' take-up counts them."""
    built = partnership_build()
    day = _yesterday()

    snapshot = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)

    stored = {
        f.governor_role: (f.governors, f.in_date, f.new_starters, f.action_needed, f.declared)
        for f in GovernorFigure.objects.filter(snapshot=snapshot, organisation=built.school)
    }
    assert stored == {GovernorRole.CHAIR: (1, 1, 0, 0, 1), "": (1, 0, 0, 1, 0)}
    whole = take_up(
        governors=Membership.objects.all(),
        day=ComplianceDay(on=day, due_soon_days=30),
        edition=EDITION,
    )[built.school.pk]
    assert sum(line[0] for line in stored.values()) == whole.governors
    assert sum(line[1] for line in stored.values()) == whole.in_date
    assert sum(line[4] for line in stored.values()) == whole.declared


def test_figures_keep_the_names_of_their_day() -> None:
    """Renaming an organisation later does not change a past day's report."""
    built = partnership_build()
    snapshot = snapshot_take(day=_yesterday(), how=SnapshotHow.NIGHTLY)

    built.social_care.name = "Lewisham family services"
    built.social_care.save()

    names = set(
        ComplianceFigure.objects.filter(
            snapshot=snapshot, organisation=built.social_care
        ).values_list("organisation_name", flat=True)
    )
    assert names == {"Lewisham children's social care"}


def test_a_nightly_snapshot_holds_every_part() -> None:
    """The nightly set says it holds all six kinds of figure."""
    snapshot = snapshot_take(day=_yesterday(), how=SnapshotHow.NIGHTLY)
    assert set(snapshot.parts) == {part.value for part in ALL_PARTS}


def test_a_backfilled_snapshot_leaves_out_governors() -> None:
    """Governors' declarations cannot be counted for a past edition, so a backfill omits them
    and says so."""
    partnership_build()
    snapshot = snapshot_take(day=_yesterday(), how=SnapshotHow.BACKFILL)
    assert SnapshotPart.GOVERNORS not in snapshot.parts
    assert SnapshotPart.COMPLIANCE in snapshot.parts
    assert not GovernorFigure.objects.exists()


def test_evaluation_and_shadowing_figures_count_the_day() -> None:
    """Invitations sent and answered, ratings given, and placements requested and completed
    on the day."""
    day = _yesterday()
    question = QuestionFactory()
    with clock_on(day) as noon:
        invitation = InvitationFactory(asked_at=noon, completed_at=noon)
        InvitationFactory(booking__session__course=invitation.booking.session.course, asked_at=noon)
        AnswerFactory(invitation=invitation, question=question, rating=4)
        visitor = visitor_membership(organisation=OrganisationFactory(sector=Sector.POLICE))
        placement_in(Status.COMPLETED, visitor=visitor, opportunity=OpportunityFactory())
    InvitationFactory(booking=invitation.booking, step="follow_up", asked_at=timezone.now())

    snapshot = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)

    evaluation = EvaluationFigure.objects.get(snapshot=snapshot)
    assert (evaluation.step, evaluation.asked, evaluation.responses) == ("after", 2, 1)
    assert (evaluation.ratings, evaluation.rating_total) == (1, 4)
    shadowing = ShadowingFigure.objects.get(snapshot=snapshot)
    assert (shadowing.visitor_sector, shadowing.host_sector) == (
        Sector.POLICE,
        Sector.CHILDRENS_SOCIAL_CARE,
    )
    assert (shadowing.requested, shadowing.completed) == (1, 1)


def test_a_session_counts_the_agencies_that_attended() -> None:
    """A session that started on the day: distinct organisations and sectors among those who
    attended (not those who did not come)."""
    built = partnership_build()
    day = _yesterday()
    with clock_on(day, hour=9) as start:
        session = SessionFactory(parts=[(start, start + timedelta(hours=6))])
    for member, status in (
        (built.ada, BookingStatus.ATTENDED),
        (built.ben, BookingStatus.PARTIALLY_ATTENDED),
        (built.cy, BookingStatus.ATTENDED),
        (built.eve, BookingStatus.NO_SHOW),
    ):
        BookingFactory(session=session, attendee=member, status=status)

    snapshot = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)

    mix = SessionMixFigure.objects.get(snapshot=snapshot)
    assert (mix.session_id, mix.agencies, mix.sectors, mix.attendees) == (session.pk, 2, 2, 3)


def _queries_to_take(day: date) -> int:
    with CaptureQueriesContext(connection) as queries:
        snapshot_take(day=day, how=SnapshotHow.NIGHTLY)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_partnership() -> None:
    """Ten times the people, bookings and organisations take the same number of queries (the
    same day both times, so every kind of figure has rows both times)."""
    built = partnership_build()
    ComplianceRules.load()
    day = _yesterday()
    with clock_on(day) as noon:
        BookingFactory(attendee=built.ada)
        BookingFactory(attendee=built.ada, status=BookingStatus.NO_SHOW, attendance_marked_at=noon)
    small = _queries_to_take(day)
    Snapshot.objects.all().delete()

    for n in range(10):
        organisation = OrganisationFactory(sector=Sector.HEALTH_TRUST)
        for _ in range(3):
            member = MembershipFactory(organisation=organisation)
            TrainingRecordFactory(user=member.user, standards=[built.standard])
            with clock_on(day) as noon:
                BookingFactory(
                    attendee=member, status=BookingStatus.ATTENDED, attendance_marked_at=noon
                )
        MembershipFactory(
            organisation=built.school,
            governor=True,
            governor_role=GovernorRole.VICE_CHAIR if n % 2 else "",
        )

    large = _queries_to_take(day)

    assert BookingFigure.objects.filter(snapshot__day=day).count() > 10
    assert large == small


def test_charges_count_what_was_not_waived_by_the_end_of_the_day() -> None:
    """A charge waived later still counts on the day it was raised; one waived that day does
    not add to the amount."""
    from tests.training.factories import ChargeFactory

    built = partnership_build()
    day = _yesterday()
    with clock_on(day) as noon:
        kept = ChargeFactory(booking__attendee=built.ada, amount=Decimal("60.00"))
        ChargeFactory(
            booking__attendee=built.ada,
            booking__session=kept.booking.session,
            booking__status=BookingStatus.NO_SHOW,
            amount=Decimal("40.00"),
            waived_at=noon,
            waiver_reason="Illness.",
        )
    kept.waived_at, kept.waiver_reason = timezone.now(), "Agreed later."
    kept.save()

    snapshot = snapshot_take(day=day, how=SnapshotHow.NIGHTLY)

    figure = BookingFigure.objects.get(snapshot=snapshot, organisation=built.social_care)
    assert (figure.charges, figure.charges_pence) == (2, 6000)
