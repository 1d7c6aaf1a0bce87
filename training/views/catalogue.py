"""The course catalogue and course pages. Signed-in people only: the catalogue lists the
partnership's internal venues and who each course is for."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.enums import Sector
from training.enums import Delivery
from training.forms.booking import CatalogueFilterForm
from training.selectors.catalogue import (
    CatalogueFilters,
    catalogue_courses,
    catalogue_sessions_attach,
    course_sessions,
    current_memberships_of,
    published_course,
)

COURSES_PER_PAGE = 20  # a screenful of summaries that still reads well with a screen reader


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = CatalogueFilters()
    if form.is_bound:
        form.is_valid()  # a value that does not parse is shown as an error and filters nothing
        cleaned = form.cleaned_data
        filters = CatalogueFilters(
            standard=cleaned.get("standard"),
            delivery=cleaned.get("delivery") or "",
            multi_agency=bool(cleaned.get("multi_agency")),
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
            has_places=bool(cleaned.get("has_places")),
            eligible_for=(
                current_memberships_of(request.user)  # type: ignore[arg-type]
                if cleaned.get("eligible")
                else None
            ),
        )
    page = Paginator(catalogue_courses(filters=filters), COURSES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    catalogue_sessions_attach(list(page.object_list), filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "page_query": query.urlencode(),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }
    return render(request, "training/course_list.html", context)


@login_required
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = published_course(slug=slug)
    if course is None:
        raise Http404
    sessions = course_sessions(course=course, viewer=request.user)  # type: ignore[arg-type]
    context = {
        "course": course,
        "sessions": sessions,
        "is_elearning": course.delivery == Delivery.ELEARNING,
        "outcomes": [line.strip() for line in course.outcomes.splitlines() if line.strip()],
        "audience_sectors": [Sector(row.sector).label for row in course.audience_sectors.all()],
        "fees": sorted(
            ((Sector(fee.sector).label, fee.amount) for fee in course.fees.all() if fee.amount),
        ),
    }
    return render(request, "training/course_detail.html", context)
