"""The requirement form in the admin."""

from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminModelForm

from organisations.models import JobRole


class RequirementAdminForm(WagtailAdminModelForm):
    """A requirement. Job roles are offered for the chosen sector (or every sector)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if job_roles := self.fields.get("job_roles"):
            job_roles.queryset = JobRole.objects.order_by("sector", "name")
            job_roles.label_from_instance = _job_role_label
        if renewal := self.fields.get("renewal_months"):
            renewal.label = "Renew every (months)"
        if grace := self.fields.get("grace_months"):
            grace.label = "Grace period for new starters (months)"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        sector = cleaned.get("sector")
        roles = cleaned.get("job_roles")
        if sector and roles:
            other = [role.name for role in roles if role.sector and role.sector != sector]
            if other:
                self.add_error(
                    "job_roles",
                    "These job roles belong to another sector, so nobody in this sector holds "
                    f"them: {', '.join(sorted(other))}.",
                )
        return cleaned


def _job_role_label(role: JobRole) -> str:
    sector = role.get_sector_display() if role.sector else "any sector"
    return f"{role.name} ({sector})"
