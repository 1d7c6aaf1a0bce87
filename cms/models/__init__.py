"""Published pages and what hangs off them. Import models from here."""

from cms.models.editors import OrganisationEditors
from cms.models.pages import (
    EscalationGuidePage,
    HomePage,
    OrganisationIndexPage,
    OrganisationPage,
    ProcedureIndexPage,
    ProcedurePage,
    ReviewedPage,
    StandardPage,
    review_status_on,
)
from cms.models.reading import Acknowledgement
from cms.models.reviews import ReviewReminder
from cms.models.settings import SafeguardingContacts

__all__ = [
    "Acknowledgement",
    "EscalationGuidePage",
    "HomePage",
    "OrganisationEditors",
    "OrganisationIndexPage",
    "OrganisationPage",
    "ProcedureIndexPage",
    "ProcedurePage",
    "ReviewReminder",
    "ReviewedPage",
    "SafeguardingContacts",
    "StandardPage",
    "review_status_on",
]
