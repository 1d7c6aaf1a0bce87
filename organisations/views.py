"""Views for organisations' people. Thin: parse input, check permission, call a service or
selector, render.

Anything a person may not see is a 404, never a 403, so guessing the slug of another
organisation or the id of another organisation's record reveals nothing.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Invitation
from organisations import services
from organisations.enums import MEMBER_PHRASES, MembershipKind
from organisations.forms import (
    KIND_LABELS,
    ImportUploadForm,
    InvitationForm,
    MembershipEditForm,
    MembershipEndForm,
    PeopleFilterForm,
)
from organisations.imports.columns import columns_for
from organisations.imports.parsing import MAX_FILE_BYTES
from organisations.imports.services import ApplyOutcome, import_batch_apply, import_batch_create
from organisations.models import ImportBatch, Organisation
from organisations.permissions import (
    can_manage_membership,
    can_view_people_of,
    flags_grantable_in,
    kinds_manageable_in,
    organisations_with_people_visible_to,
)
from organisations.selectors import (
    import_batch_manageable,
    invitation_manageable,
    invitations_open_in,
    job_roles_for,
    line_manager_choices,
    membership_manageable,
    membership_visible,
    people_in_organisation,
    reports_of,
)

if TYPE_CHECKING:
    from accounts.models import User

PEOPLE_PER_PAGE = 50  # a screenful that still reads well with a screen reader


def _organisation_visible(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, if the viewer may open its people list."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_people_of(request.user, organisation):
        raise Http404
    return organisation


def _organisation_managed(request: HttpRequest, slug: str) -> tuple[Organisation, list[str]]:
    """The organisation and the kinds of member the viewer manages there (at least one)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    kinds = kinds_manageable_in(request.user, organisation)
    if not kinds:
        raise Http404
    return organisation, kinds


def _errors_to_form(form: Any, error: ValidationError) -> None:
    """Show a service's errors on the form, on the field they name when the form has it."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@login_required
def organisation_index(request: HttpRequest) -> HttpResponse:
    organisations = organisations_with_people_visible_to(request.user).order_by("name")
    if not organisations.exists():
        raise Http404
    return render(
        request, "organisations/organisation_index.html", {"organisations": organisations}
    )


@login_required
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_visible(request, slug)
    parsed = PeopleFilterForm(request.GET)
    parsed.is_valid()  # a value that does not parse is ignored, never shown as an error
    kind = parsed.cleaned_data.get("kind") or None
    search = parsed.cleaned_data.get("q") or None
    people = people_in_organisation(
        viewer=request.user, organisation=organisation, kind=kind, search=search
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = {name: value for name, value in (("q", search), ("kind", kind)) if value}
    context = {
        "organisation": organisation,
        "page": page,
        "kind": kind,
        "search": search,
        "filters": PeopleFilterForm(initial=query),
        "page_query": urlencode(query),
        "manageable_kinds": kinds_manageable_in(request.user, organisation),
    }
    return render(request, "organisations/people_list.html", context)


@login_required
def person_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_visible(viewer=request.user, organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    context = {
        "organisation": organisation,
        "membership": membership,
        "reports": reports_of(viewer=request.user, membership=membership),
        "can_manage": can_manage_membership(request.user, membership),
        "can_view_people": can_view_people_of(request.user, organisation),
    }
    return render(request, "organisations/membership_detail.html", context)


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    grantable = flags_grantable_in(request.user, organisation)
    form_kwargs: dict[str, Any] = {
        "kind": membership.kind,
        "job_roles": job_roles_for(organisation=organisation),
        "line_managers": line_manager_choices(
            viewer=request.user, organisation=organisation, exclude=membership
        ),
        "grantable_flags": grantable,
    }
    initial = {
        "job_role": membership.job_role_id,
        "line_manager": membership.line_manager_id,
        "start_date": membership.start_date,
        "governor_category": membership.governor_category,
        "governor_role": membership.governor_role,
        "term_end": membership.term_end,
        **{flag: getattr(membership, flag) for flag in grantable},
    }
    data = request.POST if request.method == "POST" else None
    form = MembershipEditForm(data, initial=initial, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.membership_update(
                membership=membership,
                updated_by=request.user,  # type: ignore[arg-type]
                start_date=cleaned["start_date"],
                job_role=cleaned.get("job_role"),
                line_manager=cleaned.get("line_manager"),
                governor_category=cleaned.get("governor_category", ""),
                governor_role=cleaned.get("governor_role", ""),
                term_end=cleaned.get("term_end"),
                **{flag: cleaned[flag] for flag in grantable},
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{membership.user.get_full_name()}'s details are saved.")
            return redirect("organisations:person", slug=organisation.slug, pk=membership.pk)
    context = {"organisation": organisation, "membership": membership, "form": form}
    return render(request, "organisations/membership_edit.html", context)


@login_required
def person_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = MembershipEndForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                membership=membership,
                ended_by=request.user,  # type: ignore[arg-type]
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request, f"{membership.user.get_full_name()}'s membership has been ended."
            )
            return redirect("organisations:people", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "has_reports": reports_of(viewer=request.user, membership=membership).exists(),
    }
    return render(request, "organisations/membership_end.html", context)


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, kinds = _organisation_managed(request, slug)
    kind = request.GET.get("kind") or kinds[0]
    if kind not in kinds:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = InvitationForm(
        data,
        kind=kind,
        job_roles=job_roles_for(organisation=organisation),
        line_managers=line_manager_choices(viewer=request.user, organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            result = services.membership_invite(
                organisation=organisation,
                invited_by=request.user,  # type: ignore[arg-type]
                email=cleaned["email"],
                first_name=cleaned["first_name"],
                last_name=cleaned["last_name"],
                kind=kind,
                job_role=cleaned.get("job_role"),
                line_manager=cleaned.get("line_manager"),
                start_date=cleaned.get("start_date"),
                governor_category=cleaned.get("governor_category", ""),
                governor_role=cleaned.get("governor_role", ""),
                term_end=cleaned.get("term_end"),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if isinstance(result, Invitation):
                messages.success(request, f"An invitation has been sent to {result.email}.")
                return redirect("organisations:invitations", slug=organisation.slug)
            messages.success(
                request,
                f"{result.user.get_full_name()} already had an account, so they have been "
                "added and told by email.",
            )
            return redirect("organisations:person", slug=organisation.slug, pk=result.pk)
    context = {
        "organisation": organisation,
        "form": form,
        "kind": kind,
        "member": MEMBER_PHRASES[MembershipKind(kind)],
        "other_kinds": [(k, MEMBER_PHRASES[MembershipKind(k)]) for k in kinds if k != kind],
    }
    return render(request, "organisations/invitation_create.html", context)


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _kinds = _organisation_managed(request, slug)
    invitations = invitations_open_in(viewer=request.user, organisation=organisation)
    page = Paginator(invitations, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "page_query": "",
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    return render(request, "organisations/invitation_list.html", context)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _kinds = _organisation_managed(request, slug)
    invitation = invitation_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if invitation is None:
        raise Http404
    services.invitation_resend(invitation=invitation, sent_by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The invitation has been sent to {invitation.email} again.")
    return redirect("organisations:invitations", slug=organisation.slug)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _kinds = _organisation_managed(request, slug)
    invitation = invitation_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if invitation is None:
        raise Http404
    services.invitation_withdraw(invitation=invitation, withdrawn_by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
    return redirect("organisations:invitations", slug=organisation.slug)


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, kinds = _organisation_managed(request, slug)
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
    organisation, kinds = _organisation_managed(request, slug)
    kind = request.GET.get("kind") or MembershipKind.STAFF
    if kind == MembershipKind.VOLUNTEER:
        kind = MembershipKind.STAFF
    allowed = kind in kinds or (kind == MembershipKind.STAFF and MembershipKind.VOLUNTEER in kinds)
    if not allowed:
        raise Http404
    columns = columns_for(kind)
    filename = "governors.csv" if kind == MembershipKind.GOVERNOR else "staff-and-volunteers.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads accented names correctly
    writer = csv.writer(response)
    writer.writerow([column.name for column in columns])
    writer.writerow([_example(column.name, column.example, organisation) for column in columns])
    return response


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
