"""Choices for shadowing: how long a visit lasts, how its dates are offered, where a placement
is in its life, who meets each kind of condition, and what a placement's history records."""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class Duration(models.TextChoices):
    HALF_DAY = "half_day", "Half a day"
    DAY = "day", "A day"
    SEVERAL_DAYS = "several_days", "Several days"


# CPD hours a visit of each length gives when the opportunity does not say otherwise.
DEFAULT_CPD_HOURS = {
    Duration.HALF_DAY: Decimal("3.5"),
    Duration.DAY: Decimal("7"),
    Duration.SEVERAL_DAYS: Decimal("14"),
}


class DateMode(models.TextChoices):
    SPECIFIC = "specific", "On dates the host sets"
    BY_ARRANGEMENT = "by_arrangement", "By arrangement"


class Status(models.TextChoices):
    """Where a placement is. `docs/shadowing.md` draws the whole machine."""

    AWAITING_MANAGER = "awaiting_manager", "Waiting for the line manager"
    AWAITING_HOST = "awaiting_host", "Waiting for the host"
    AWAITING_CHECKS = "awaiting_checks", "Accepted, checks to do"
    CONFIRMED = "confirmed", "Confirmed"
    AWAITING_REFLECTION = "awaiting_reflection", "Visit happened, reflection to write"
    COMPLETED = "completed", "Completed"
    DID_NOT_HAPPEN = "did_not_happen", "Did not happen"
    DECLINED_BY_MANAGER = "declined_by_manager", "Declined by the line manager"
    DECLINED_BY_HOST = "declined_by_host", "Declined by the host"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
    NOT_REFLECTED = "not_reflected", "Closed: no reflection written in time"


# Placements still going somewhere: one per visitor and opportunity at a time.
OPEN_STATUSES = frozenset(
    {
        Status.AWAITING_MANAGER,
        Status.AWAITING_HOST,
        Status.AWAITING_CHECKS,
        Status.CONFIRMED,
        Status.AWAITING_REFLECTION,
    }
)
# Placements that hold a place on their date (or in their month).
PLACE_HOLDING_STATUSES = frozenset(
    {Status.AWAITING_CHECKS, Status.CONFIRMED, Status.AWAITING_REFLECTION, Status.COMPLETED}
)
# What a placement in each state has been through, reached only one way (the state table): a
# host's acceptance (a supervisor, a visit date and a place), confirmation, and the host's
# record of whether it happened. Cancelled and expired placements may have been anywhere
# before, so they are in none. The demo and the test factories fill a state's fields from these.
WERE_ACCEPTED = frozenset(
    {
        Status.AWAITING_CHECKS,
        Status.CONFIRMED,
        Status.AWAITING_REFLECTION,
        Status.COMPLETED,
        Status.DID_NOT_HAPPEN,
        Status.NOT_REFLECTED,
    }
)
WERE_CONFIRMED = WERE_ACCEPTED - {Status.AWAITING_CHECKS}
HAVE_AN_OUTCOME = WERE_CONFIRMED - {Status.CONFIRMED}
# Ended with a reason said (or, for a placement not reflected on, written by the sweep).
ENDED_WITH_A_REASON = frozenset(
    {
        Status.DECLINED_BY_MANAGER,
        Status.DECLINED_BY_HOST,
        Status.EXPIRED,
        Status.CANCELLED,
        Status.NOT_REFLECTED,
    }
)
# Placements that ended before the visit, without it.
ENDED_BEFORE_VISIT = frozenset(
    {Status.DECLINED_BY_MANAGER, Status.DECLINED_BY_HOST, Status.EXPIRED, Status.CANCELLED}
)


class CheckKind(models.TextChoices):
    """Who meets a condition, and how."""

    HOME_DBS = "home_dbs", "DBS check confirmed by the visitor's organisation"
    AGREEMENT = "agreement", "Confidentiality agreement signed by the visitor"
    HOST_RECORDS = "host_records", "Recorded by the host"
    VISITOR_CONFIRMS = "visitor_confirms", "Confirmed by the visitor"


class DbsLevel(models.TextChoices):
    """The level of DBS check seen (never its certificate number)."""

    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_BARRED = "enhanced_barred", "Enhanced with children's barred list"


class Action(models.TextChoices):
    """What someone can do to a placement: the rows of `shadowing.states.TRANSITIONS`."""

    MANAGER_APPROVE = "manager_approve", "Approve"
    MANAGER_DECLINE = "manager_decline", "Decline (line manager)"
    HOST_ACCEPT = "host_accept", "Accept"
    HOST_DECLINE = "host_decline", "Decline (host)"
    RECORD_CHECK = "record_check", "Record a check"
    CANCEL = "cancel", "Cancel"
    RECORD_HAPPENED = "record_happened", "Record that it happened"
    RECORD_NOT_HAPPENED = "record_not_happened", "Record that it did not happen"
    WRITE_REFLECTION = "write_reflection", "Write the reflection"
    GIVE_FEEDBACK = "give_feedback", "Give feedback"
    INVITE_RETURN = "invite_return", "Invite a return visit"
    CHANGE_DATE = "change_date", "Change the date"
    EXPIRE = "expire", "Expire"
    CLOSE_UNREFLECTED = "close_unreflected", "Close without a reflection"


class Party(models.TextChoices):
    """Who someone is to a placement (`shadowing.permissions.parties_of`)."""

    VISITOR = "visitor", "The visitor"
    LINE_MANAGER = "line_manager", "The visitor's line manager"
    HOME_COORDINATOR = "home_coordinator", "A coordinator of the visitor's organisation"
    HOST = "host", "A host of the host organisation"
    SUPERVISOR = "supervisor", "The host supervisor"
    TEAM = "team", "The partnership team"
    SYSTEM = "system", "The sweep"


class Event(models.TextChoices):
    """What happened to a placement that someone is told about
    (shadowing.services.notifications)."""

    REQUESTED = "requested", "Requested (to the line manager)"
    MANAGER_APPROVED = "manager_approved", "Approved by the line manager (to the host)"
    MANAGER_DECLINED = "manager_declined", "Declined by the line manager"
    HOST_ACCEPTED = "host_accepted", "Accepted by the host"
    HOST_DECLINED = "host_declined", "Declined by the host"
    CONFIRMED = "confirmed", "Confirmed: every check done"
    CHANGED = "changed", "The visit's date or place changed"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired unanswered"
    CHECKS_CHASED = "checks_chased", "Checks still missing before the visit"
    JOINING_DETAILS = "joining_details", "Joining details, a few days before"
    HAPPENED = "happened", "The visit happened: reflection to write"
    NOT_HAPPENED = "not_happened", "The visit did not happen"
    REFLECTION_REMINDER = "reflection_reminder", "Reflection still to write"
    NOT_REFLECTED = "not_reflected", "Closed without a reflection"
    COMPLETED = "completed", "Completed, with CPD hours recorded"
    FEEDBACK_GIVEN = "feedback_given", "The supervisor gave feedback"
    RETURN_INVITED = "return_invited", "Invited to make a return visit"
