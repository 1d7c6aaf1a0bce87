"""The shadowing step of `seed_demo`: hosts' opportunities across the partnership, their
confidentiality agreements, and placements in every state, with checks, reflections, the CPD
records completed ones gave, and one reciprocal pair (docs/demo-data.md, "Shadowing").

The stories (README): the practitioner's request for a school DSL's day waits for her manager;
her visit to the police CAIT office is confirmed for a few days' time; she made a return visit
to the health visitors' clinic after a health visitor spent a day in the MASH. The manager
approves the request and has feedback to give on a conference he supervised. The coordinator
hosts for Children's Social Care: a request to accept, checks outstanding, visits on the
calendar. The police account has no open placement, so can ask for a day with the MASH.

Rows are written directly (each state with what it has filled in), as the demo's history is
made up; a run that finds the demo's opportunities adds nothing. Runs before certificates, so
completed placements' certificates are issued by that step without emails.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from importlib import import_module

from django.apps import apps as django_apps

from demo.organisations.accounts import DEMO_EMAIL_DOMAIN
from demo.organisations.context import DemoSeed
from demo.shadowing.content import CONTENT, OpportunitySpec
from demo.training.dates import at
from organisations.enums import MembershipKind
from organisations.models import Membership, Organisation
from shadowing.enums import (
    ENDED_WITH_A_REASON,
    HAVE_AN_OUTCOME,
    WERE_ACCEPTED,
    WERE_CONFIRMED,
    CheckKind,
    DateMode,
    DbsLevel,
    Status,
)
from shadowing.models import (
    Condition,
    ConfidentialityAgreement,
    Host,
    Opportunity,
    OpportunityDate,
    Placement,
    PlacementCheck,
    Reflection,
    ReturnInvitation,
)
from training.enums import RecordSource
from training.services.records import training_record_create

NINE = clock(9, 0)

REFLECTIONS = [
    (
        "How much weight the threshold decision puts on what each agency already knows, and "
        "how often the missing piece is a health or school record nobody thought to share.",
        "How quickly a decision is needed, and how much of the day is spent chasing "
        "information that could have been in the first referral.",
        "Say in my referrals what I am worried about, what I have seen, and what I think "
        "should happen, rather than only describing the incident.",
        "What the MASH needs from us in a referral, and who to call to talk a worry through.",
    ),
    (
        "What a detective needs from a strategy discussion, and why the timing of a joint "
        "visit matters so much for the evidence a child can give.",
        "How carefully the team plans an interview, and how much they rely on social care's "
        "knowledge of the family.",
        "Share what I know before a strategy discussion, not after it.",
        "How an investigation runs alongside a section 47 enquiry, and where they differ.",
    ),
    (
        "How a health visitor spots changes over time that a single visit would miss, and "
        "what makes them decide to share a worry.",
        "How many families the service sees that no other agency knows.",
        "Ask the health visitor first when a young child is new to our service.",
        "The health visiting contacts and what they can tell us at the start of an assessment.",
    ),
]

FEEDBACK = (
    "A thoughtful visitor who asked good questions and kept to the agreement throughout. "
    "Welcome back any time."
)


@dataclass
class Seeding:
    seed: DemoSeed
    rng: random.Random
    now: datetime
    opportunities: dict[str, Opportunity]
    agreements: dict[int, ConfidentialityAgreement]
    conditions: dict[str, Condition]


def shadowing_seed(seed: DemoSeed) -> None:
    keys = [spec.title for spec in CONTENT.opportunities]
    if Opportunity.objects.filter(title__in=keys).exists():
        seed.log("Shadowing: already there")
        return
    now = at(seed.today, NINE)
    if not Condition.objects.exists():
        # The checklist comes with migration 0002; a test database emptied after a
        # transactional test has lost it.
        import_module("shadowing.migrations.0002_standard_conditions").add(django_apps, None)
    conditions = {c.name: c for c in Condition.objects.all()}
    s = Seeding(seed, seed.rng("shadowing"), now, {}, {}, conditions)
    for spec in CONTENT.opportunities:
        s.opportunities[spec.key] = _opportunity(s, spec)
    _hosts(s)
    count = _placements(s)
    seed.log(f"Shadowing: {len(s.opportunities)} opportunities, {count} placements")


def _member(seed: DemoSeed, slug: str, index: int = 0) -> Membership:
    staff = [m for m in seed.staff[slug] if m.kind == MembershipKind.STAFF]
    return staff[index % len(staff)]


def _demo(seed: DemoSeed, local: str) -> Membership:
    return seed.demo_memberships[f"{local}@{DEMO_EMAIL_DOMAIN}"]


def _opportunity(s: Seeding, spec: OpportunitySpec) -> Opportunity:
    organisation = s.seed.organisations[spec.organisation]
    if spec.key == "conference-observer":
        supervisor = _demo(s.seed, "manager")
    else:
        supervisor = _member(s.seed, spec.organisation, 3)
    opportunity = Opportunity.objects.create(
        organisation=organisation,
        title=spec.title,
        team=spec.team,
        description=spec.description,
        location=spec.location,
        duration=spec.duration,
        days=spec.days,
        cpd_hours=spec.cpd_hours,
        date_mode=spec.date_mode,
        places_per_date=spec.places_per_date,
        places_per_month=spec.places_per_month,
        eligible_sectors=spec.sectors,
        minimum_notice_days=spec.notice,
        supervisor=supervisor,
        other_conditions=spec.other,
        joining_instructions=spec.joining,
        created_at=s.now - timedelta(days=200),
    )
    opportunity.conditions.set([s.conditions[name] for name in spec.conditions])
    if spec.date_mode == DateMode.SPECIFIC:
        # Offered every fortnight on a weekday, from five months ago to three months ahead.
        first = s.seed.today - timedelta(days=150)
        first += timedelta(days=(1 - first.weekday()) % 7 + spec.notice % 3)
        OpportunityDate.objects.bulk_create(
            OpportunityDate(opportunity=opportunity, date=first + timedelta(days=14 * n))
            for n in range(17)
        )
    if organisation.pk not in s.agreements:
        s.agreements[organisation.pk] = _agreement(s, organisation)
    return opportunity


def _agreement(s: Seeding, organisation: Organisation) -> ConfidentialityAgreement:
    """Version 1 for every host; Children's Social Care changed theirs a month ago (version 2),
    so older placements show the version their visitor signed."""
    first = ConfidentialityAgreement.objects.create(
        organisation=organisation,
        version=1,
        text=CONTENT.agreement,
        created_at=s.now - timedelta(days=200),
    )
    if organisation.slug != "lewisham-childrens-social-care":
        return first
    return ConfidentialityAgreement.objects.create(
        organisation=organisation,
        version=2,
        text=CONTENT.agreement
        + "\n\nI will not bring a phone or laptop into MASH screening meetings.",
        created_at=s.now - timedelta(days=30),
    )


def _hosts(s: Seeding) -> None:
    """Each supervisor who is not a coordinator is marked as a host by the coordinators."""
    for opportunity in s.opportunities.values():
        supervisor = opportunity.supervisor
        if not supervisor.is_coordinator:
            Host.objects.get_or_create(
                membership=supervisor, defaults={"marked_at": s.now - timedelta(days=190)}
            )


def _visitor(seed: DemoSeed, slug: str, index: int) -> Membership | None:
    """A member of staff of `slug` with a line manager, the index-th such."""
    staff = [m for m in seed.staff[slug] if m.kind == MembershipKind.STAFF and m.line_manager_id]
    return staff[index % len(staff)] if staff else None


def _date_near(opportunity: Opportunity, day: date) -> OpportunityDate | None:
    return (
        OpportunityDate.objects.filter(opportunity=opportunity, date__gte=day)
        .order_by("date")
        .first()
    )


def _placements(s: Seeding) -> int:
    seed, o = s.seed, s.opportunities
    practitioner = _demo(seed, "practitioner")
    health_visitor = _demo(seed, "health.visitor")
    police = _demo(seed, "police")
    made: list[Placement] = []

    def add(opportunity: Opportunity, visitor: Membership | None, status: str, **kw: object):
        if visitor is None or visitor.organisation_id == opportunity.organisation_id:
            return None
        placement = _placement(s, opportunity, visitor, status, **kw)  # type: ignore[arg-type]
        made.append(placement)
        return placement

    # The reciprocal pair: a health visitor's MASH day, then the practitioner's return visit.
    first = add(o["mash-day"], health_visitor, Status.COMPLETED, days_ago=95, reflection=0)
    if first is not None:
        ReturnInvitation.objects.create(
            placement=first,
            invited_visitor=practitioner,
            message="Siobhan suggested one of our social workers spends a morning with the "
            "health visitors in return.",
            invited_by=first.opportunity.supervisor.user,
            invited_at=s.now - timedelta(days=90),
        )
        add(
            o["hv-clinic"],
            practitioner,
            Status.COMPLETED,
            days_ago=45,
            reflection=2,
            reciprocal_of=first,
        )
    # The practitioner's stories.
    add(o["school-dsl"], practitioner, Status.AWAITING_MANAGER, days_ahead=40, requested_ago=2)
    add(o["cait-office"], practitioner, Status.CONFIRMED, days_ahead=3)
    # The police officer's past placement (his MASH day is his to ask for).
    add(o["hospital-safeguarding"], police, Status.COMPLETED, days_ago=120, reflection=0)
    # The coordinator's (host for Children's Social Care) lists.
    add(
        o["mash-day"],
        _visitor(seed, "met-police-lewisham", 1),
        Status.AWAITING_HOST,
        days_ahead=30,
        requested_ago=4,
    )
    add(
        o["mash-day"],
        _visitor(seed, "lewisham-and-greenwich-nhs-trust", 2),
        Status.AWAITING_CHECKS,
        days_ahead=16,
        partial_checks=True,
    )
    add(o["mash-day"], _visitor(seed, "hilly-fields-primary", 1), Status.CONFIRMED, days_ahead=16)
    add(
        o["conference-observer"],
        _visitor(seed, "met-police-cait", 2),
        Status.AWAITING_REFLECTION,
        days_ago=4,
    )
    add(
        o["conference-observer"],
        _visitor(seed, "ravensbourne-youth-and-family-project", 1),
        Status.COMPLETED,
        days_ago=35,
        reflection=0,
        feedback=False,
    )
    # Endings of every kind.
    add(
        o["cait-office"],
        _visitor(seed, "university-hospital-lewisham", 3),
        Status.DECLINED_BY_MANAGER,
        days_ahead=20,
        reason="We are two health visitors short this month; please ask again in the spring.",
    )
    add(
        o["hospital-safeguarding"],
        _visitor(seed, "met-police-lewisham", 4),
        Status.DECLINED_BY_HOST,
        days_ahead=25,
        reason="The team is hosting a CQC inspection "
        "that fortnight. Please choose a date in the new year.",
    )
    add(
        o["parents-advocate"],
        _visitor(seed, "lewisham-childrens-social-care", 6),
        Status.EXPIRED,
        days_ago=10,
        reason="Nobody answered within 14 days.",
    )
    add(
        o["hv-clinic"],
        _visitor(seed, "met-police-cait", 5),
        Status.CANCELLED,
        days_ahead=9,
        reason="I have been called to give evidence at court that day.",
    )
    add(
        o["cait-office"],
        _visitor(seed, "lewisham-childrens-social-care", 8),
        Status.DID_NOT_HAPPEN,
        days_ago=20,
    )
    add(
        o["school-dsl"],
        _visitor(seed, "university-hospital-lewisham", 6),
        Status.NOT_REFLECTED,
        days_ago=50,
    )
    # A year of completed visits across the sectors, for the partnership's matrix.
    hosts = [
        "mash-day",
        "cait-office",
        "hv-clinic",
        "hospital-safeguarding",
        "school-dsl",
        "parents-advocate",
        "conference-observer",
    ]
    homes = [
        "met-police-lewisham",
        "met-police-cait",
        "university-hospital-lewisham",
        "lewisham-and-greenwich-nhs-trust",
        "lewisham-childrens-social-care",
        "hilly-fields-primary",
        "ravensbourne-youth-and-family-project",
        "south-london-and-maudsley",
    ]
    for n in range(36):
        opportunity = o[hosts[n % len(hosts)]]
        home = homes[(n * 3) % len(homes)]
        sectors = opportunity.eligible_sectors
        if sectors and seed.organisations[home].sector not in sectors:
            continue
        add(
            opportunity,
            _visitor(seed, home, 10 + n),
            Status.COMPLETED,
            days_ago=60 + n * 8,
            reflection=n % 3,
        )
    return len(made)


def _visit_date(
    s: Seeding, opportunity: Opportunity, day: date
) -> tuple[date, OpportunityDate | None]:
    if opportunity.date_mode == DateMode.SPECIFIC:
        offered = _date_near(opportunity, day)
        if offered is not None:
            return offered.date, offered
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day, None


def _placement(
    s: Seeding,
    opportunity: Opportunity,
    visitor: Membership,
    status: str,
    *,
    days_ago: int = 0,
    days_ahead: int = 0,
    requested_ago: int | None = None,
    reflection: int | None = None,
    reason: str = "",
    partial_checks: bool = False,
    feedback: bool = True,
    reciprocal_of: Placement | None = None,
) -> Placement:
    today = s.seed.today
    wanted = today + timedelta(days=days_ahead) if days_ahead else today - timedelta(days=days_ago)
    day, offered = _visit_date(s, opportunity, wanted)
    requested_at = s.now - timedelta(
        days=requested_ago
        if requested_ago is not None
        else max(
            opportunity.minimum_notice_days + 10,
            (today - day).days + opportunity.minimum_notice_days + 5,
        )
    )
    accepted = status in WERE_ACCEPTED
    approved = status not in {Status.AWAITING_MANAGER, Status.DECLINED_BY_MANAGER}
    placement = Placement(
        opportunity=opportunity,
        visitor=visitor,
        home_organisation_id=visitor.organisation_id,
        host_organisation_id=opportunity.organisation_id,
        line_manager_id=visitor.line_manager_id,
        status=status,
        learning_goals=_goals(opportunity),
        requested_date=offered,
        proposed_dates=[] if offered else [day.isoformat()],
        requested_at=requested_at,
        reason=reason,
        reciprocal_of=reciprocal_of,
    )
    step = requested_at
    if status != Status.AWAITING_MANAGER:
        step += timedelta(days=2)
        placement.manager_decided_at = step
    if approved and status != Status.AWAITING_HOST and status != Status.EXPIRED:
        step += timedelta(days=3)
        placement.host_decided_at = step
    if accepted:
        placement.supervisor = opportunity.supervisor
        placement.visit_date = day
        if opportunity.date_mode == DateMode.BY_ARRANGEMENT:
            placement.visit_month = day.replace(day=1)
            placement.places = opportunity.places_per_month
        else:
            placement.places = opportunity.places_per_date
        if status != Status.DID_NOT_HAPPEN:
            placement.place_number = _free_place(placement)
    if status in WERE_CONFIRMED:
        placement.confirmed_at = step + timedelta(days=4)
    if status in HAVE_AN_OUTCOME:
        placement.outcome_recorded_at = at(day, clock(17, 30))
    if status in ENDED_WITH_A_REASON:
        placement.ended_at = min(s.now, step + timedelta(days=1))
    if status == Status.NOT_REFLECTED:
        placement.ended_at = s.now - timedelta(days=max(days_ago - 21, 1))
    placement._history_date = requested_at  # type: ignore[attr-defined]
    placement.save()
    if accepted:
        _checks(s, placement, partial=partial_checks)
    if status == Status.COMPLETED:
        _complete(s, placement, reflection or 0, feedback=feedback)
    return placement


def _free_place(placement: Placement) -> int:
    holding = Placement.objects.filter(
        opportunity=placement.opportunity, place_number__isnull=False
    )
    if placement.visit_month:
        holding = holding.filter(visit_month=placement.visit_month)
    else:
        holding = holding.filter(visit_date=placement.visit_date, visit_month__isnull=True)
    taken = set(holding.values_list("place_number", flat=True))
    free = [n for n in range(1, (placement.places or 1) + 1) if n not in taken]
    if not free:
        # The demo never fills a date; a clash moves the visit a fortnight on.
        assert placement.visit_date is not None
        placement.visit_date = moved = placement.visit_date + timedelta(days=14)
        if placement.visit_month:
            placement.visit_month = moved.replace(day=1)
        placement.requested_date = None
        return _free_place(placement)
    return free[0]


def _goals(opportunity: Opportunity) -> str:
    return (
        f"To understand how the {opportunity.team.split(',')[0]} works day to day, what "
        "worries them and what they need from my agency, so that my referrals and my part "
        "in joint work are more useful."
    )


def _checks(s: Seeding, placement: Placement, *, partial: bool) -> None:
    conditions = list(placement.opportunity.conditions.all())
    if partial:
        conditions = [c for c in conditions if c.met_by == CheckKind.HOME_DBS]
    when = (placement.host_decided_at or s.now) + timedelta(days=1)
    agreement = (
        ConfidentialityAgreement.objects.filter(
            organisation_id=placement.host_organisation_id, created_at__lte=when
        )
        .order_by("-version")
        .first()
    )
    visitor_user = placement.visitor.user
    home_coordinator = (
        Membership.objects.current()
        .filter(organisation_id=placement.home_organisation_id, is_coordinator=True)
        .select_related("user")
        .first()
    )
    for condition in conditions:
        check = PlacementCheck(placement=placement, condition=condition, recorded_at=when)
        if condition.met_by == CheckKind.HOME_DBS:
            check.dbs_level = DbsLevel.ENHANCED_BARRED
            check.dbs_issued_on = s.seed.today - timedelta(days=400 + placement.pk % 300)
            check.recorded_by = (
                home_coordinator.user if home_coordinator else placement.visitor.line_manager.user  # type: ignore[union-attr]
            )
        elif condition.met_by == CheckKind.AGREEMENT:
            check.agreement = agreement
            check.recorded_by = visitor_user
        elif condition.met_by == CheckKind.VISITOR_CONFIRMS:
            check.recorded_by = visitor_user
        else:
            check.recorded_by = placement.opportunity.supervisor.user
        check.save()


def _complete(s: Seeding, placement: Placement, which: int, *, feedback: bool) -> None:
    visit = placement.outcome_recorded_at or s.now
    written = visit + timedelta(days=5)
    learnt, surprised, differently, share = REFLECTIONS[which % len(REFLECTIONS)]
    Reflection.objects.create(
        placement=placement,
        learnt_about_role=learnt,
        surprised_me=surprised,
        do_differently=differently,
        share_with_team=share,
        written_at=written,
    )
    opportunity = placement.opportunity
    record = training_record_create(
        membership=placement.visitor,
        title=f"Shadowing: {opportunity.title} ({opportunity.organisation.name})",
        cpd_hours=opportunity.cpd_hours,
        completed_on=placement.visit_date or s.seed.today,
        standards=[],
        source=RecordSource.SHADOWING,
        created_by=placement.visitor.user,
        reason="Shadowing placement completed",
    )
    placement.training_record = record
    placement.completed_at = written
    if feedback:
        placement.supervisor_feedback = FEEDBACK
        placement.supervisor_feedback_at = written + timedelta(days=2)
    placement.save(
        update_fields=[
            "training_record",
            "completed_at",
            "supervisor_feedback",
            "supervisor_feedback_at",
        ]
    )
