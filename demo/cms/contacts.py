"""Who to phone: the borough's front door and emergency duty team, the partnership's business
manager, and each partner organisation's own safeguarding numbers and mailboxes.

The front door and emergency duty team numbers are the ones Lewisham publishes (and the
defaults of `SafeguardingContacts`), because every practitioner in the borough knows them and a
demo with other numbers would look wrong. Everything else is invented: organisations' numbers
are in Ofcom's range for drama (020 7946 0xxx), which rings nobody, and every email address is
on a reserved `.example` domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from demo.organisations import organisations as orgs

if TYPE_CHECKING:
    from demo.organisations.organisations import OrganisationSpec
    from organisations.models import Organisation

# Relay UK: a textphone user dials 18001 before the number (18002 from a phone to a textphone).
RELAY_PREFIX = "18001"

FRONT_DOOR_NAME = "Lewisham Multi-Agency Safeguarding Hub (MASH)"
FRONT_DOOR_PHONE = "020 8314 6660"
# The MASH's own mailbox, as on children's social care's organisation record.
FRONT_DOOR_EMAIL = "mash@lewisham-csc.example"
FRONT_DOOR_HOURS = "Monday to Thursday, 9am to 5pm; Friday, 9am to 4:30pm"
OUT_OF_HOURS_NAME = "Emergency Duty Team"
OUT_OF_HOURS_PHONE = "020 8314 6000"
OUT_OF_HOURS_HOURS = "Evenings, weekends and bank holidays"
POLICE_NON_EMERGENCY = "101"

OFFICE_HOURS = "Monday to Friday, 9am to 5pm"
SCHOOL_HOURS = "Monday to Friday in term time, 8am to 5pm"
SURGERY_HOURS = "Monday to Friday, 8am to 6:30pm"

PARTNERSHIP_DOMAIN = "lewisham-scp.example"
BUSINESS_MANAGER_TITLE = "Partnership business manager"
BUSINESS_MANAGER_EMAIL = f"safeguarding.partnership@{PARTNERSHIP_DOMAIN}"
BUSINESS_MANAGER_COPY = f"The partnership business manager ({BUSINESS_MANAGER_EMAIL})"

# Each organisation's extra numbers (a duty line, a manager, a head of service) are taken from
# 020 7946 0600 onwards, four each in the order organisations are listed, clear of the numbers
# the organisations themselves were given (0100 onwards, and more for `seed_demo --people`).
FIRST_CONTACT_NUMBER = 600
NUMBERS_PER_ORGANISATION = 4
# The partnership business unit's number, below every organisation's.
BUSINESS_MANAGER_PHONE = "020 7946 0590"

# Organisations that share an email domain with another have their own prefix on role mailboxes.
MAILBOX_PREFIXES = {orgs.CAIT: "cait.", orgs.HOSPITAL: "uhl.", orgs.MET_POLICE: "lewisham."}


def contact(
    role: str,
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    hours: str = "",
    textphone: str | None = None,
) -> dict[str, str]:
    """A ContactBlock value. A phone number gets its Relay UK form unless told otherwise."""
    if textphone is None:
        textphone = f"{RELAY_PREFIX} {phone}" if phone else ""
    return {
        "role": role,
        "name": name,
        "phone": phone,
        "email": email,
        "textphone": textphone,
        "hours": hours,
    }


def front_door() -> dict[str, str]:
    return contact(
        FRONT_DOOR_NAME, phone=FRONT_DOOR_PHONE, email=FRONT_DOOR_EMAIL, hours=FRONT_DOOR_HOURS
    )


def emergency_duty_team() -> dict[str, str]:
    return contact(OUT_OF_HOURS_NAME, phone=OUT_OF_HOURS_PHONE, hours=OUT_OF_HOURS_HOURS)


def business_manager() -> dict[str, str]:
    return contact(
        "Safeguarding partnership business manager",
        phone=BUSINESS_MANAGER_PHONE,
        email=BUSINESS_MANAGER_EMAIL,
        hours=OFFICE_HOURS,
    )


@dataclass(frozen=True)
class Agency:
    """One partner organisation as its pages need it: its name, numbers, mailboxes and people.

    `lead_name` is the person the organisation names as its safeguarding contact (a school's
    designated safeguarding lead, a practice's lead GP), blank for organisations that give a team
    instead.
    """

    organisation: Organisation
    spec: OrganisationSpec
    index: int
    lead_name: str = ""

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def domain(self) -> str:
        return self.spec.domain

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"

    @property
    def safeguarding_phone(self) -> str:
        return self.organisation.safeguarding_contact_phone

    @property
    def safeguarding_email(self) -> str:
        return self.organisation.safeguarding_contact_email

    def phone(self, n: int) -> str:
        """The organisation's n-th extra number (0 to 3)."""
        if not 0 <= n < NUMBERS_PER_ORGANISATION:
            raise ValueError(f"An organisation has {NUMBERS_PER_ORGANISATION} extra numbers.")
        number = FIRST_CONTACT_NUMBER + self.index * NUMBERS_PER_ORGANISATION + n
        return f"020 7946 0{number:03d}"

    def email(self, mailbox: str) -> str:
        return f"{MAILBOX_PREFIXES.get(self.slug, '')}{mailbox}@{self.domain}"
