"""Importing historic completions: the upload page, the template to fill in, and the preview
where the file is checked and confirmed (docs/imports.md, "Historic training records"). A large
file is checked by a task; its preview says so and refreshes itself until the check is done.

Who may import for which organisation is `organisations_importing_records_by`; who may see an
uploaded file is `record_imports_manageable_by` (organisations.permissions). Anyone else gets a
404, whatever the slug or id they try.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from config.spreadsheets import CellValue, Sheet, table_csv_response, table_xlsx_response
from organisations.imports.checking import REFRESH_SECONDS
from organisations.models import Organisation
from training.forms.record_imports import RecordImportUploadForm
from training.models import RecordImportBatch, TrainingStandard
from training.permissions import organisations_importing_records_by, record_imports_manageable_by
from training.record_imports.columns import COMPLETED_ON, CPD_HOURS, EMAIL, RECORD_COLUMNS, STANDARD
from training.record_imports.parsing import MAX_FILE_BYTES
from training.record_imports.validation import STANDARD_SEPARATOR
from training.services.record_imports import (
    ApplyOutcome,
    record_import_apply,
    record_import_create,
    record_import_overdue_fail,
)

# Earlier files shown on the upload page, so a preview left half-way can be found again.
RECENT_IMPORTS = 10
TEMPLATE_FORMATS = ("csv", "xlsx")


def _organisation_or_404(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(organisations_importing_records_by(request.user), slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(request, slug)
    posted = request.method == "POST"
    form = RecordImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        uploaded = form.cleaned_data["file"]
        user: User = request.user  # type: ignore[assignment]
        try:
            batch = record_import_create(
                organisation=organisation,
                uploaded_by=user,
                # One byte past the limit is enough for the service to refuse a file too big.
                content=uploaded.read(MAX_FILE_BYTES + 1),
                filename=uploaded.name,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(batch)
    recent = (
        record_imports_manageable_by(request.user)
        .filter(organisation=organisation)
        .select_related("organisation", "uploaded_by")
        .defer("rows", "problems", "notes")[:RECENT_IMPORTS]
    )
    context = {
        "organisation": organisation,
        "form": form,
        "columns": RECORD_COLUMNS,
        "standards": TrainingStandard.objects.only("name", "slug"),
        "template_urls": {
            fmt: reverse(
                "training:records_import_template", kwargs={"slug": organisation.slug, "fmt": fmt}
            )
            for fmt in TEMPLATE_FORMATS
        },
        "recent": recent,
    }
    return render(request, "training/records_import_upload.html", context)


@login_required
@require_GET
def template(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The columns and one example row, as CSV or as an Excel workbook, ready to fill in."""
    organisation = _organisation_or_404(request, slug)
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    example = _example_row(organisation)
    filename = f"training-records-{organisation.slug}.{fmt}"
    header = [column.name for column in RECORD_COLUMNS]
    if fmt == "xlsx":
        return table_xlsx_response(filename, *_template_sheets(header, example))
    return table_csv_response(filename, header, [_template_csv_row(example)])


def _example_row(organisation: Organisation) -> dict[str, CellValue]:
    """The example values, using the organisation's own email domain and a real standard."""
    example: dict[str, CellValue] = {column.name: column.example for column in RECORD_COLUMNS}
    domain = organisation.email_domains.values_list("domain", flat=True).first()
    if domain:
        example[EMAIL.name] = f"{EMAIL.example.split('@')[0]}@{domain}"
    standard = TrainingStandard.objects.values_list("name", flat=True).first()
    if standard:
        example[STANDARD.name] = standard
    example[COMPLETED_ON.name] = date(2024, 1, 31)
    example[CPD_HOURS.name] = 3
    return example


def _template_csv_row(example: dict[str, CellValue]) -> list[CellValue]:
    """The example row with its date day first, as people here type one."""
    return [
        value.strftime("%d/%m/%Y") if isinstance(value, date) else value
        for value in (example[column.name] for column in RECORD_COLUMNS)
    ]


def _template_sheets(header: list[str], example: dict[str, CellValue]) -> tuple[Sheet, Sheet]:
    """The columns with the example in a real date cell, shown day first, so a person typing
    below it gets dates too; then the standards a row may name (only the first sheet is read
    back)."""
    records = Sheet(
        "Training records",
        header,
        [[example[column.name] for column in RECORD_COLUMNS]],
        widths=(32, 40, 36, 14, 10, 36),
        number_formats={COMPLETED_ON.name: "dd/mm/yyyy"},
    )
    standards = Sheet(
        "Standards",
        ["Standard", "Short name"],
        TrainingStandard.objects.values_list("name", "slug"),
        widths=(48, 36),
        freeze_header=False,
    )
    return records, standards


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every row with its problems; confirming applies the file, all or nothing, once."""
    batch = get_object_or_404(
        record_imports_manageable_by(request.user).select_related(
            "organisation", "uploaded_by", "applied_by"
        ),
        organisation__slug=slug,
        pk=pk,
    )
    if batch.is_checking and record_import_overdue_fail(batch=batch):
        batch.refresh_from_db()
    if request.method == "POST":
        user: User = request.user  # type: ignore[assignment]
        outcome = record_import_apply(batch=batch, applied_by=user)
        if outcome == ApplyOutcome.ALREADY_APPLIED:
            messages.info(request, "This file has already been imported.")
            return redirect(batch)
        batch.refresh_from_db()
        if outcome == ApplyOutcome.APPLIED:
            count = batch.record_count
            messages.success(
                request,
                f"{count} training {'record has' if count == 1 else 'records have'} been added.",
            )
            return redirect(batch)
    rows, file_problems = _preview_rows(batch)
    context = {
        "organisation": batch.organisation,
        "batch": batch,
        "rows": rows,
        "file_problems": file_problems,
        "file_notes": [note["message"] for note in batch.notes],
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "training/records_import_preview.html", context)


def _preview_rows(batch: RecordImportBatch) -> tuple[list[dict[str, Any]], list[str]]:
    """Each row with its problems, and the problems about the whole file."""
    problems: dict[object, list[str]] = {}
    for problem in batch.problems:
        problems.setdefault(problem["row"], []).append(problem["message"])
    rows = []
    for row in batch.rows:
        values = row["values"]
        rows.append(
            {
                "number": row["row"],
                "person": row.get("person", ""),
                "email": values.get("email", ""),
                "title": values.get("title", ""),
                "standards": [
                    name.strip()
                    for name in values.get("standard", "").split(STANDARD_SEPARATOR)
                    if name.strip()
                ],
                "completed_on": values.get("completed_on", ""),
                "cpd_hours": values.get("cpd_hours", ""),
                "provider": values.get("provider", ""),
                "outcome": row.get("outcome", ""),
                "problems": problems.get(row["row"], []),
            }
        )
    return rows, problems.get(None, [])
