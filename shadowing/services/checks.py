"""Recording that a placement's conditions are met. The last one confirms the visit.

A DBS check is vouched for by the visitor's own organisation (line manager or coordinator): its
level and the date on the certificate, never the certificate's number. A confidentiality
agreement is signed by the visitor, and the check keeps the version they signed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shadowing.enums import Action, CheckKind, DbsLevel, Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import PlacementCheck
from shadowing.permissions import parties_of
from shadowing.selectors.checks import check_recordable_by, checks_outstanding, current_agreement
from shadowing.services import notifications
from shadowing.services.history import placement_locked, placement_save
from shadowing.states import transition_check

if TYPE_CHECKING:
    from accounts.models import User
    from shadowing.models import Condition, Placement

NOTE_MAX_LENGTH = 500

NOT_YOUR_CHECK: dict[str, str] = {
    CheckKind.HOME_DBS: (
        "Only the visitor's line manager or a coordinator of their organisation can confirm "
        "their DBS check."
    ),
    CheckKind.AGREEMENT: "Only the visitor can sign the confidentiality agreement.",
    CheckKind.VISITOR_CONFIRMS: "Only the visitor can confirm this.",
    CheckKind.HOST_RECORDS: "Only the host can record this.",
}


def _dbs_check(*, condition: Condition, dbs_level: str, dbs_issued_on: date | None) -> None:
    if dbs_level not in DbsLevel.values:
        raise ShadowingError("Choose the level of the DBS check.", field="dbs_level")
    if "enhanced" in condition.name.lower() and dbs_level == DbsLevel.STANDARD:
        raise ShadowingError("This visit needs an enhanced DBS check.", field="dbs_level")
    if dbs_issued_on is None:
        raise ShadowingError("Enter the date on the DBS certificate.", field="dbs_issued_on")
    if dbs_issued_on > timezone.localdate():
        raise ShadowingError(
            "The date on the DBS certificate must be today or in the past.",
            field="dbs_issued_on",
        )


def placement_check_record(
    *,
    placement_id: int,
    by: User,
    condition_id: int,
    dbs_level: str = "",
    dbs_issued_on: date | None = None,
    agreement_id: int | None = None,
    note: str = "",
) -> PlacementCheck:
    """Record that one of the opportunity's conditions is met for this placement; when it was
    the last, the visit is confirmed."""
    with transaction.atomic():
        placement: Placement = placement_locked(placement_id)
        parties = parties_of(by, placement)
        transition_check(action=Action.RECORD_CHECK, status=placement.status, parties=parties)
        condition = placement.opportunity.conditions.filter(pk=condition_id).first()
        if condition is None:
            raise ShadowingError("This visit does not ask for that condition.")
        if placement.checks.filter(condition=condition).exists():
            raise ShadowingError(f"“{condition.name}” has already been recorded.")
        if not check_recordable_by(condition, parties):
            raise ShadowingError(
                NOT_YOUR_CHECK.get(condition.met_by, "You cannot record this check.")
            )
        note = note.strip()
        if len(note) > NOTE_MAX_LENGTH:
            raise ShadowingError(
                f"The note must be {NOTE_MAX_LENGTH} characters or fewer.", field="note"
            )
        check = PlacementCheck(
            placement=placement,
            condition=condition,
            recorded_by=by,
            recorded_at=timezone.now(),
            note=note,
        )
        if condition.met_by == CheckKind.HOME_DBS:
            _dbs_check(condition=condition, dbs_level=dbs_level, dbs_issued_on=dbs_issued_on)
            check.dbs_level = dbs_level
            check.dbs_issued_on = dbs_issued_on
        elif condition.met_by == CheckKind.AGREEMENT:
            agreement = current_agreement(placement.host_organisation)
            if agreement is None:
                raise ShadowingError("The host has not published a confidentiality agreement yet.")
            if agreement_id is not None and agreement_id != agreement.pk:
                raise ShadowingError(
                    "The host has changed its confidentiality agreement since you opened it. "
                    "Read the new version and sign again.",
                    field="agreement",
                )
            check.agreement = agreement
        check.save()
        if not checks_outstanding(placement):
            placement.status = Status.CONFIRMED
            placement.confirmed_at = timezone.now()
            placement_save(placement, by=by, reason="Every check recorded: confirmed")
            notifications.placement_notify(placement=placement, event=Event.CONFIRMED)
    return check
