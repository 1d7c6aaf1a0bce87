"""Compliance: requirements, the applied-requirement view, notices and digests, governors'
declarations and the compliance rules. Tables keep the `training_` names they were made with
(docs/architecture.md, "Moving models between apps")."""

from compliance.models.declarations import GovernorDeclaration
from compliance.models.notices import ComplianceDigest, ComplianceNotice
from compliance.models.requirements import AppliedRequirement, Requirement
from compliance.models.settings import ComplianceRules

__all__ = [
    "AppliedRequirement",
    "ComplianceDigest",
    "ComplianceNotice",
    "ComplianceRules",
    "GovernorDeclaration",
    "Requirement",
]
