"""Evaluation results pages: the results with filters (course, session, organisation, period),
one session's results, and both as CSV or Excel.

Who sees what is `evaluations.permissions`: the partnership team, trainers and coordinators
have results; anyone else gets a 404, as does a session whose results the viewer may not see.
Which figures are shown, and which withheld to keep answers anonymous, is
`evaluations.selectors.results`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import roles_for
from evaluations import exports
from evaluations.forms.results import ResultsFilterForm
from evaluations.permissions import (
    can_view_results,
    courses_to_filter_results_by,
    organisations_to_filter_results_by,
    sessions_to_filter_results_by,
    sessions_with_results_visible_to,
)
from evaluations.selectors.results import (
    RESULTS_MINIMUM_GROUP,
    ResultFilters,
    evaluation_results,
)

if TYPE_CHECKING:
    from organisations.permissions import Viewer

EXPORT_FORMATS = ("csv", "xlsx")


def _viewer_or_404(request: HttpRequest) -> Viewer:
    if not can_view_results(request.user):
        raise Http404
    return request.user


def _filter_form(request: HttpRequest, viewer: Viewer) -> ResultsFilterForm:
    return ResultsFilterForm(
        request.GET or None,
        courses=courses_to_filter_results_by(viewer),
        sessions=sessions_to_filter_results_by(viewer),
        organisations=organisations_to_filter_results_by(viewer),
    )


def _filters(form: ResultsFilterForm) -> ResultFilters:
    """The filters from a bound form: a value that does not parse is shown as an error on the
    form and filters nothing."""
    if not form.is_bound:
        return ResultFilters()
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return ResultFilters(
        course=cleaned.get("course"),
        session=cleaned.get("session"),
        organisation=cleaned.get("organisation"),
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
    )


def _whose(viewer: Viewer) -> str:
    """Whose answers the viewer's results count, in a sentence."""
    roles = roles_for(viewer)  # type: ignore[arg-type]
    if roles.partnership_team:
        return "These results count everyone's answers, on every session."
    if roles.trainer and roles.coordinator:
        return (
            "These results count the answers of the people on the sessions you train, and of "
            "your organisation's staff and volunteers on any session."
        )
    if roles.trainer:
        return "These results count the answers of the people on the sessions you train."
    return "These results count the answers of your organisation's staff and volunteers."


def _export_links(query: str) -> dict[str, str]:
    urls = {
        file_format: reverse("evaluations_results:export", args=[file_format])
        for file_format in EXPORT_FORMATS
    }
    return {
        f"export_{file_format}_url": f"{url}?{query}" if query else url
        for file_format, url in urls.items()
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def results(request: HttpRequest) -> HttpResponse:
    viewer = _viewer_or_404(request)
    form = _filter_form(request, viewer)
    filters = _filters(form)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "evaluations/results/results.html",
        {
            "form": form,
            "filters": filters,
            "whose": _whose(viewer),
            "results": evaluation_results(viewer=viewer, filters=filters),
            "minimum": RESULTS_MINIMUM_GROUP,
            **_export_links(query),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def session_results(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer_or_404(request)
    session = get_object_or_404(
        sessions_with_results_visible_to(viewer).select_related("course"), pk=session_id
    )
    filters = ResultFilters(session=session)
    return render(
        request,
        "evaluations/results/session.html",
        {
            "session": session,
            "whose": _whose(viewer),
            "results": evaluation_results(viewer=viewer, filters=filters),
            "minimum": RESULTS_MINIMUM_GROUP,
            **_export_links(f"session={session.pk}"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def results_export(request: HttpRequest, file_format: str) -> HttpResponse:
    viewer = _viewer_or_404(request)
    if file_format not in EXPORT_FORMATS:
        raise Http404
    form = _filter_form(request, viewer)
    if form.is_bound and not form.is_valid():
        messages.error(
            request,
            "The export could not be made from that link. Choose the results to show again, "
            "then export.",
        )
        return redirect("evaluations_results:results")
    filters = _filters(form)
    figures = evaluation_results(viewer=viewer, filters=filters)
    name = exports.export_filename(filters)
    if file_format == "xlsx":
        return exports.results_xlsx_response(f"{name}.xlsx", figures)
    return exports.results_csv_response(f"{name}.csv", figures)
