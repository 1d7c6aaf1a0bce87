"""Hosts publishing and editing their opportunities.

`opportunity_save` writes an opportunity with its conditions, job roles and dates in one
transaction. A date offered that someone has asked for, or that an accepted visit is on, is
never taken away under them: the host is told to cancel or move the request first. Dates
already past stay on record untouched.

An edit locks the opportunity's row before it reads the dates' requests, as a request and an
acceptance do (lock order, everywhere in shadowing: the opportunity's row before the
placement's), so a request for a date and the host taking that date away happen one after the
other: the date stays if the request came first, and the request is refused if it came second.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import Membership, Organisation
from shadowing.enums import DEFAULT_CPD_HOURS, DateMode, Duration
from shadowing.errors import ShadowingError
from shadowing.models import Condition, Opportunity, OpportunityDate, Placement
from shadowing.services.history import history_attribute

if TYPE_CHECKING:
    from accounts.models import User

SUPERVISOR_NOT_A_MEMBER = "Choose a supervisor who works for the host organisation now."
NO_DATES = "Enter at least one date offered."
DETAILS_NEEDED = "Describe your own conditions: you ticked “{condition}”, which asks you to."
DETAILS_NOT_WANTED = (
    "Leave your own conditions blank, or tick the condition they describe "
    "(one that asks you to describe it)."
)
WRONG_ORGANISATION = "This opportunity belongs to another organisation."

# The model fields a host sets directly (the rest are the service's or many-to-many).
EDITABLE_FIELDS = (
    "title",
    "team",
    "description",
    "not_included",
    "location",
    "duration",
    "days",
    "cpd_hours",
    "date_mode",
    "places_per_date",
    "places_per_month",
    "eligible_sectors",
    "minimum_notice_days",
    "supervisor",
    "other_conditions",
    "joining_instructions",
    "is_published",
)


def british(day: date) -> str:
    return f"{day:%-d %B %Y}"


def date_problem(day: date, *, today: date) -> str | None:
    """Why a date cannot be offered (in the past, or not a weekday), or None."""
    if day <= today:
        return f"{british(day)} is not in the future."
    if day.weekday() >= 5:
        return f"{british(day)} is a {day:%A}. Offer weekdays only (Monday to Friday)."
    return None


def other_conditions_problem(conditions: Iterable[Condition], other_conditions: str) -> str | None:
    """The host's own conditions are written when a ticked condition asks for them, and only
    then."""
    asking = [c for c in conditions if c.needs_details]
    if asking and not other_conditions.strip():
        return DETAILS_NEEDED.format(condition=asking[0].name)
    if not asking and other_conditions.strip():
        return DETAILS_NOT_WANTED
    return None


def default_cpd_hours(duration: str) -> Decimal:
    return DEFAULT_CPD_HOURS[Duration(duration)]


def _date_refusal(offered: OpportunityDate) -> str | None:
    """Why an offered date cannot be taken away, or None when it can: an open request asks for
    it or an accepted visit is on it (moved there, perhaps, from the date asked for), or a
    request that ended asked for it and keeps it on record."""
    open_on_it = Placement.objects.open().filter(
        Q(requested_date=offered) | Q(visit_date=offered.date, visit_month__isnull=True),
        opportunity_id=offered.opportunity_id,
    )
    if open_on_it.exists():
        return f"{british(offered.date)} has a request; cancel or move it first."
    if offered.placements.exists():
        return (
            f"{british(offered.date)} has requests on record (declined or cancelled), so it "
            "stays. Unpublish the opportunity instead if you can no longer offer it."
        )
    return None


def _check(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    conditions: list[Condition],
    dates: list[date],
) -> None:
    supervisor: Membership = data["supervisor"]
    if supervisor.organisation_id != organisation.pk or not supervisor.is_current():
        raise ShadowingError(SUPERVISOR_NOT_A_MEMBER, field="supervisor")
    if problem := other_conditions_problem(conditions, data.get("other_conditions", "")):
        raise ShadowingError(problem, field="other_conditions")
    if data["date_mode"] == DateMode.SPECIFIC:
        if not dates:
            raise ShadowingError(NO_DATES, field="dates")
        today = timezone.localdate()
        for day in dates:
            if problem := date_problem(day, today=today):
                raise ShadowingError(problem, field="dates")


@transaction.atomic
def opportunity_save(
    *,
    organisation: Organisation,
    by: User,
    data: dict[str, Any],
    conditions: list[Condition],
    eligible_job_roles: Iterable[Any],
    dates: list[date],
    opportunity: Opportunity | None = None,
) -> Opportunity:
    """Create an opportunity (`opportunity` None) or change one, with its dates offered.

    `data` holds the `EDITABLE_FIELDS`; `cpd_hours` None takes the default for the duration,
    and `days` is 1 unless the visit lasts several days. For set dates, `dates` are the future
    dates offered: new ones are added and future ones left out are removed, unless a placement
    asked for one (then nothing is saved). By arrangement, every future date is removed."""
    data = dict(data)
    _check(organisation=organisation, data=data, conditions=conditions, dates=dates)
    if data.get("cpd_hours") is None:
        data["cpd_hours"] = default_cpd_hours(data["duration"])
    if data["duration"] != Duration.SEVERAL_DAYS:
        data["days"] = 1
    if opportunity is None:
        opportunity = Opportunity(
            organisation=organisation, created_by=by, created_at=timezone.now()
        )
        reason = "Published by the host" if data.get("is_published") else "Added by the host"
    else:
        # Locked before its dates' requests are read, so none arrives while a date is removed.
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if opportunity.organisation_id != organisation.pk:
            raise ShadowingError(WRONG_ORGANISATION)
        reason = "Changed by the host"
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(opportunity, name, data[name])
    try:
        # Who created it is the service's to say (and unknown for some made before).
        opportunity.full_clean(exclude=["created_by"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ShadowingError(messages[0], field=None if field == "__all__" else field) from None
    history_attribute(opportunity, by=by, reason=reason)
    opportunity.save()
    opportunity.conditions.set(conditions)
    opportunity.eligible_job_roles.set(list(eligible_job_roles))
    _dates_save(opportunity, set(dates) if opportunity.date_mode == DateMode.SPECIFIC else set())
    return opportunity


def _dates_save(opportunity: Opportunity, wanted: set[date]) -> None:
    today = timezone.localdate()
    existing = {d.date: d for d in opportunity.dates.filter(date__gt=today)}
    for day in sorted(set(existing) - wanted):
        offered = existing[day]
        if refusal := _date_refusal(offered):
            # The transaction rolls back the opportunity's fields too: nothing changes.
            raise ShadowingError(refusal, field="dates")
        offered.delete()
    already = set(opportunity.dates.values_list("date", flat=True))
    OpportunityDate.objects.bulk_create(
        OpportunityDate(opportunity=opportunity, date=day) for day in sorted(wanted - already)
    )
