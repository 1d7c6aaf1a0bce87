"""Choices used by organisations and memberships, with the named groups that rules rely on."""

from django.db import models


class Sector(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_TRUST = "health_trust", "Health trust"
    INTEGRATED_CARE_BOARD = "integrated_care_board", "Integrated care board"
    GP_PRACTICE = "gp_practice", "GP practice"
    SCHOOL = "school", "School"
    EARLY_YEARS = "early_years", "Early years"
    VOLUNTARY = "voluntary", "Voluntary and community"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class MembershipKind(models.TextChoices):
    STAFF = "staff", "Staff"
    GOVERNOR = "governor", "Governor"
    VOLUNTEER = "volunteer", "Volunteer"


class GovernorCategory(models.TextChoices):
    PARENT = "parent", "Parent governor"
    STAFF = "staff", "Staff governor"
    LOCAL_AUTHORITY = "local_authority", "Local authority governor"
    FOUNDATION = "foundation", "Foundation governor"
    CO_OPTED = "co_opted", "Co-opted governor"
    PARTNER = "partner", "Partner governor"


class GovernorRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    SAFEGUARDING_LINK = "safeguarding_link", "Safeguarding link governor"


# How a sentence names someone holding each kind of membership: "already a member of staff".
MEMBER_PHRASES = {
    MembershipKind.STAFF: "a member of staff",
    MembershipKind.VOLUNTEER: "a volunteer",
    MembershipKind.GOVERNOR: "a governor",
}

# Sectors whose organisations have a governing board with a clerk.
SECTORS_WITH_GOVERNORS = frozenset({Sector.SCHOOL, Sector.EARLY_YEARS})


class ImportStatus(models.TextChoices):
    """Where an uploaded file (people or training records) is, from upload to import.

    A large file is "checking" while a task reads it (organisations.imports.checking); a file
    that task refuses is "failed", with the reason in its problems and its rows and stored
    file gone. A smaller file is read during the upload and starts "uploaded"."""

    CHECKING = "checking", "Checking the file"
    UPLOADED = "uploaded", "Waiting for confirmation"
    APPLIED = "applied", "Imported"
    FAILED = "failed", "Could not be used"
