"""Views for bulk import: upload, the downloadable template, preview and confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from config.spreadsheets import table_csv_response
from organisations.enums import MembershipKind
from organisations.forms.people import (
    KIND_LABELS,
    ImportUploadForm,
)
from organisations.imports.checking import REFRESH_SECONDS
from organisations.imports.columns import columns_for
from organisations.imports.parsing import MAX_FILE_BYTES
from organisations.imports.services import (
    ApplyOutcome,
    import_batch_apply,
    import_batch_create,
    import_batch_overdue_fail,
)
from organisations.models import ImportBatch, Organisation
from organisations.selectors import (
    import_batch_manageable,
    job_roles_for,
)
from organisations.views.common import (
    organisation_managed_or_404,
)

if TYPE_CHECKING:
    from accounts.models import User


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, kinds = organisation_managed_or_404(request, slug)
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None, kinds=kinds
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                uploaded_by=request.user,  # type: ignore[arg-type]
                # One byte past the limit is enough for the service to refuse a file too big.
                content=upload.read(MAX_FILE_BYTES + 1),
                filename=upload.name,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(batch)
    context = {
        "organisation": organisation,
        "form": form,
        "job_roles": job_roles_for(organisation=organisation),
        "templates": _template_links(organisation, kinds),
        "staff_columns": columns_for(MembershipKind.STAFF),
        "governor_columns": columns_for(MembershipKind.GOVERNOR),
        "shows_staff": any(k != MembershipKind.GOVERNOR for k in kinds),
        "shows_governors": MembershipKind.GOVERNOR in kinds,
    }
    return render(request, "organisations/import_batch_upload.html", context)


def _template_links(organisation: Organisation, kinds: list[str]) -> list[tuple[str, str]]:
    url = reverse("organisations:import_template", kwargs={"slug": organisation.slug})
    links = []
    if any(kind != MembershipKind.GOVERNOR for kind in kinds):
        links.append(("Template for staff and volunteers", f"{url}?kind=staff"))
    if MembershipKind.GOVERNOR in kinds:
        links.append(("Template for governors", f"{url}?kind=governor"))
    return links


@login_required
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    """A CSV with the column names and one example row, ready to fill in."""
    organisation, kinds = organisation_managed_or_404(request, slug)
    kind = request.GET.get("kind") or MembershipKind.STAFF
    if kind == MembershipKind.VOLUNTEER:
        kind = MembershipKind.STAFF
    allowed = kind in kinds or (kind == MembershipKind.STAFF and MembershipKind.VOLUNTEER in kinds)
    if not allowed:
        raise Http404
    columns = columns_for(kind)
    filename = "governors.csv" if kind == MembershipKind.GOVERNOR else "staff-and-volunteers.csv"
    return table_csv_response(
        filename,
        [column.name for column in columns],
        [[_example(column.name, column.example, organisation) for column in columns]],
    )


def _example(name: str, example: str, organisation: Organisation) -> str:
    """The example value, using the organisation's own email domain and job roles."""
    if name in ("email", "line_manager_email"):
        domain = organisation.email_domains.values_list("domain", flat=True).first()
        if domain:
            return f"{example.split('@')[0]}@{domain}"
    if name == "job_role":
        role = job_roles_for(organisation=organisation).values_list("name", flat=True).first()
        return role or example
    return example


@login_required
def import_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    batch = import_batch_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if batch is None:
        raise Http404
    if batch.is_checking and import_batch_overdue_fail(batch=batch):
        batch.refresh_from_db()
    if request.method == "POST":
        user: User = request.user  # type: ignore[assignment]
        outcome = import_batch_apply(batch=batch, applied_by=user)
        if outcome == ApplyOutcome.ALREADY_APPLIED:
            messages.info(request, "This file has already been imported.")
            return redirect("organisations:people", slug=organisation.slug)
        if outcome == ApplyOutcome.APPLIED:
            batch.refresh_from_db()
            messages.success(request, _applied_message(batch.invited_count, batch.added_count))
            return redirect("organisations:people", slug=organisation.slug)
        batch.refresh_from_db()
    rows, file_problems, file_notes = _preview_rows(batch)
    context = {
        "organisation": organisation,
        "batch": batch,
        "rows": rows,
        "file_problems": file_problems,
        "file_notes": file_notes,
        "kind_label": KIND_LABELS[MembershipKind(batch.kind)].lower(),
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "organisations/import_batch_preview.html", context)


# Shown together in the "Person" column; every other column is listed under "Details".
PERSON_COLUMNS = ("first_name", "last_name", "email")


def _preview_rows(
    batch: ImportBatch,
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Each row with its problems and notes, and the problems and notes about the whole file."""
    problems: dict[object, list[str]] = {}
    for problem in batch.problems:
        problems.setdefault(problem["row"], []).append(problem["message"])
    notes: dict[object, list[str]] = {}
    for note in batch.notes:
        notes.setdefault(note["row"], []).append(note["message"])
    columns = columns_for(batch.kind)
    rows = []
    for row in batch.rows:
        values = row["values"]
        rows.append(
            {
                "number": row["row"],
                "name": f"{values.get('first_name', '')} {values.get('last_name', '')}".strip(),
                "email": values.get("email", ""),
                "details": [
                    (column.label, values[column.name])
                    for column in columns
                    if column.name not in PERSON_COLUMNS and values.get(column.name)
                ],
                "outcome": row.get("outcome", ""),
                "problems": problems.get(row["row"], []),
                "notes": notes.get(row["row"], []),
            }
        )
    return rows, problems.get(None, []), notes.get(None, [])


def _applied_message(invited: int, added: int) -> str:
    parts = []
    if invited:
        parts.append(f"{invited} {'person has' if invited == 1 else 'people have'} been invited")
    if added:
        parts.append(
            f"{added} {'person' if added == 1 else 'people'} with an account "
            f"{'has' if added == 1 else 'have'} been added and told by email"
        )
    return " and ".join(parts) + "."
