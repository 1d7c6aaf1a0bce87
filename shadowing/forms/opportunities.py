"""The host's forms: an opportunity (with its dates offered typed one a line), the next version
of the confidentiality agreement, and who the organisation's shadowing hosts are.

The opportunity form keeps the admin's rules (`shadowing.forms.admin.OpportunityAdminForm`): sectors
as tick boxes, and a supervisor who is a current member of the host organisation."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from organisations.enums import Sector
from organisations.models import JobRole, Membership, Organisation
from shadowing.enums import DateMode, Duration
from shadowing.models import NO_OPERATIONAL_ROLE, Condition, Opportunity
from shadowing.services.hosts import NO_AGREEMENT_TEXT
from shadowing.services.opportunities import (
    EDITABLE_FIELDS,
    NO_DATES,
    SUPERVISOR_NOT_A_MEMBER,
    british,
    date_problem,
    other_conditions_problem,
)

DATE_LINE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# A year of weekly dates and then some: more is a typing slip, not an offer.
MOST_DATES = 100


def _required(message: str) -> dict[str, str]:
    return {"required": message}


def _count(
    label: str,
    *,
    lowest: int,
    highest: int,
    invalid: str,
    too_few: str,
    too_many: str,
    width: int = 2,
    **kwargs: Any,
) -> forms.IntegerField:
    """A whole number typed in a narrow box, with a sentence for each way it can be wrong."""
    messages = {"invalid": invalid, "min_value": too_few, "max_value": too_many}
    messages.update(kwargs.pop("error_messages", {}))
    return forms.IntegerField(
        label=label,
        min_value=lowest,
        max_value=highest,
        widget=forms.NumberInput(
            attrs={"class": f"govuk-input--width-{width}", "inputmode": "numeric"}
        ),
        error_messages=messages,
        **kwargs,
    )


def parse_dates(text: str, *, today: date) -> tuple[list[date], list[str]]:
    """The dates typed one a line (day/month/year), and what is wrong, naming each line."""
    dates: list[date] = []
    problems: list[str] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = DATE_LINE.match(line)
        day: date | None = None
        if match:
            d, m, y = (int(part) for part in match.groups())
            try:
                day = date(y, m, d)
            except ValueError:
                day = None
        if day is None:
            problems.append(
                f"Line {number}: “{line}” is not a real date. Write each date as day/month/year, "
                "for example 14/1/2027."
            )
            continue
        if day in seen:
            problems.append(f"Line {number}: {british(day)} is already on line {seen[day]}.")
            continue
        seen[day] = number
        if problem := date_problem(day, today=today):
            problems.append(f"Line {number}: {problem}")
            continue
        dates.append(day)
    if len(seen) > MOST_DATES:
        problems.append(f"Offer at most {MOST_DATES} dates at once.")
    return sorted(dates), problems


class SupervisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        name = obj.user.get_full_name() or obj.user.email
        return f"{name} ({obj.job_role.name})" if obj.job_role else name


class ConditionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Condition) -> str:
        return obj.name


class OpportunityForm(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages=_required("Enter the opportunity's title.")
    )
    team = forms.CharField(
        label="Team or service",
        max_length=200,
        error_messages=_required("Enter the team or service the visitor joins."),
    )
    description = forms.CharField(
        label="What the visitor will see and do",
        widget=forms.Textarea,
        error_messages=_required("Describe what the visitor will see and do."),
    )
    not_included = forms.CharField(
        label="What the visitor will not do",
        widget=forms.Textarea,
        initial=NO_OPERATIONAL_ROLE,
        error_messages=_required("Say what the visitor will not do."),
    )
    location = forms.CharField(
        max_length=300,
        help_text="The address the visitor goes to.",
        error_messages=_required("Enter where the visit happens."),
    )
    duration = forms.ChoiceField(
        label="How long is the visit?",
        choices=Duration.choices,
        initial=Duration.DAY,
        widget=forms.RadioSelect,
        error_messages=_required("Choose how long the visit is."),
    )
    days = _count(
        "Number of days",
        lowest=2,
        highest=5,
        invalid="Enter the number of days as a number, from 2 to 5.",
        too_few="A visit of several days lasts at least 2 days.",
        too_many="A visit lasts 5 days at most.",
        required=False,
        help_text="From 2 to 5.",
    )
    cpd_hours = forms.DecimalField(
        label="CPD hours (optional)",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=(
            "Leave blank for the usual hours: 3.5 for half a day, 7 for a day, 14 for several days."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the CPD hours as a number, for example 7 or 3.5.",
            "min_value": "Enter at least 0.5 CPD hours.",
            "max_value": "Enter no more than 100 CPD hours.",
            "max_decimal_places": "Enter the CPD hours to 2 decimal places at most.",
            "max_digits": "Enter no more than 100 CPD hours.",
        },
    )
    date_mode = forms.ChoiceField(
        label="When can visitors come?",
        choices=DateMode.choices,
        initial=DateMode.SPECIFIC,
        widget=forms.RadioSelect,
        error_messages=_required("Choose how the dates are offered."),
    )
    dates_text = forms.CharField(
        label="Dates offered, one per line (for example 14/1/2027)",
        required=False,
        help_text="Weekdays only, in the future.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    places_per_date = _count(
        "Visitors per date",
        lowest=1,
        highest=20,
        invalid="Enter the visitors per date as a number, from 1 to 20.",
        too_few="Take at least 1 visitor a date.",
        too_many="Take 20 visitors a date at most.",
        required=False,
    )
    places_per_month = _count(
        "Visitors per month",
        lowest=1,
        highest=40,
        invalid="Enter the visitors per month as a number, from 1 to 40.",
        too_few="Take at least 1 visitor a month.",
        too_many="Take 40 visitors a month at most.",
        required=False,
        help_text="How many visitors a month at most.",
    )
    eligible_sectors = forms.MultipleChoiceField(
        label="Sectors that may ask",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every sector.",
    )
    eligible_job_roles = forms.ModelMultipleChoiceField(
        label="Job roles that may ask (optional)",
        queryset=JobRole.objects.none(),
        required=False,
        help_text="None chosen: every job role. Hold Ctrl (or Cmd) to choose more than one.",
    )
    minimum_notice_days = _count(
        "Minimum notice (days)",
        lowest=0,
        highest=120,
        invalid="Enter the minimum notice as a number of days.",
        too_few="Enter 0 days or more.",
        too_many="Ask for 120 days' notice at most.",
        width=3,
        initial=14,
        help_text="How many days ahead a visitor must ask.",
        error_messages=_required("Enter the minimum notice in days."),
    )
    supervisor = SupervisorChoiceField(
        label="Host supervisor",
        queryset=Membership.objects.none(),
        empty_label="Choose a supervisor",
        help_text="The person who looks after visitors: someone who works for you now.",
        error_messages={
            "required": "Choose the host supervisor.",
            "invalid_choice": SUPERVISOR_NOT_A_MEMBER,
        },
    )
    conditions = ConditionChoiceField(
        label="Conditions visitors must meet",
        queryset=Condition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_conditions = forms.CharField(
        label="Your own conditions",
        required=False,
        widget=forms.Textarea,
        help_text="Only for a condition you ticked that asks you to describe it.",
    )
    joining_instructions = forms.CharField(
        label="Joining details (optional)",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Where to go, who to ask for and what to bring. Shown to confirmed visitors a few "
            "days before."
        ),
    )
    is_published = forms.BooleanField(
        label="Publish it: visitors can find it and ask",
        required=False,
        initial=True,
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        opportunity: Opportunity | None = None,
        **kwargs: Any,
    ) -> None:
        if opportunity is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(opportunity)
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.opportunity = opportunity
        self.dates: list[date] = []
        supervisor = self.fields["supervisor"]
        assert isinstance(supervisor, forms.ModelChoiceField)
        supervisor.queryset = (
            Membership.objects.current()
            .filter(organisation=organisation)
            .select_related("user", "job_role")
            .order_by("user__last_name", "user__first_name", "pk")
        )
        roles = self.fields["eligible_job_roles"]
        assert isinstance(roles, forms.ModelMultipleChoiceField)
        roles.queryset = JobRole.objects.order_by("name", "sector")
        conditions = self.fields["conditions"]
        assert isinstance(conditions, forms.ModelMultipleChoiceField)
        conditions.queryset = self.condition_queryset()

    def condition_queryset(self) -> QuerySet[Condition]:
        """Conditions on offer, and any the opportunity already has that are no longer."""
        offered = Q(is_active=True)
        if self.opportunity is not None:
            offered |= Q(opportunities=self.opportunity)
        return Condition.objects.filter(offered).distinct().order_by("order", "name")

    def condition_options(self) -> list[dict[str, Any]]:
        """Each condition's tick box with its description as a hint, for the template."""
        field = self["conditions"]
        chosen = {str(v) for v in (field.value() or [])}
        return [
            {
                "id": f"{field.auto_id}_{n}",
                "value": str(condition.pk),
                "name": condition.name,
                "hint": condition.description,
                "checked": str(condition.pk) in chosen,
            }
            for n, condition in enumerate(self.condition_queryset())
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        duration = cleaned.get("duration")
        if duration == Duration.SEVERAL_DAYS:
            if cleaned.get("days") is None and "days" not in self.errors:
                self.add_error("days", "Enter how many days the visit lasts, from 2 to 5.")
        else:
            cleaned["days"] = 1
            self.errors.pop("days", None)
        mode = cleaned.get("date_mode")
        if mode == DateMode.SPECIFIC:
            dates, problems = parse_dates(cleaned.get("dates_text", ""), today=timezone.localdate())
            for problem in problems:
                self.add_error("dates_text", problem)
            if not dates and not problems:
                self.add_error("dates_text", NO_DATES)
            self.dates = dates
            if cleaned.get("places_per_date") is None and "places_per_date" not in self.errors:
                self.add_error("places_per_date", "Enter how many visitors you take a date.")
            # What was typed for the other way of offering dates is not used.
            self.errors.pop("places_per_month", None)
            cleaned["places_per_month"] = None
        elif mode == DateMode.BY_ARRANGEMENT:
            self.errors.pop("places_per_date", None)
            cleaned["places_per_date"] = None
            if cleaned.get("places_per_month") is None and "places_per_month" not in self.errors:
                self.add_error("places_per_month", "Enter how many visitors you take a month.")
        if "conditions" in cleaned:
            details = other_conditions_problem(
                cleaned["conditions"], cleaned.get("other_conditions", "")
            )
            if details:
                self.add_error("other_conditions", details)
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        """The opportunity's own fields, keeping the stored places for the mode not chosen."""
        data = {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}
        keep = self.opportunity or Opportunity()  # a new one: the model's defaults
        for name in ("places_per_date", "places_per_month"):
            if data[name] is None:
                data[name] = getattr(keep, name)
        data["days"] = data["days"] or 1
        return data

    def add_service_error(self, message: str, field: str | None) -> None:
        """Show a service's refusal by the field it concerns."""
        if field == "dates":
            field = "dates_text"
        if field is not None and field not in self.fields:
            field = None
        self.add_error(field, message)


def initial_from(opportunity: Opportunity) -> dict[str, Any]:
    """The form's starting values for an opportunity, with its future dates one a line."""
    initial: dict[str, Any] = {
        name: getattr(opportunity, name) for name in EDITABLE_FIELDS if name != "supervisor"
    }
    initial["supervisor"] = opportunity.supervisor_id
    if opportunity.duration != Duration.SEVERAL_DAYS:
        initial["days"] = None
    today = timezone.localdate()
    initial["dates_text"] = "\n".join(
        f"{d.day}/{d.month}/{d.year}"
        for d in opportunity.dates.filter(date__gt=today).values_list("date", flat=True)
    )
    initial["conditions"] = list(opportunity.conditions.values_list("pk", flat=True))
    initial["eligible_job_roles"] = list(
        opportunity.eligible_job_roles.values_list("pk", flat=True)
    )
    return initial


class HostOrganisationChoiceForm(forms.Form):
    """Which organisation a host with more than one adds an opportunity for."""

    organisation = forms.ModelChoiceField(
        label="Which organisation is offering it?",
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation offering the opportunity.",
            "invalid_choice": "Choose one of the organisations you host for.",
        },
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations.order_by("name")


class AgreementForm(forms.Form):
    text = forms.CharField(
        label="The agreement's text",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="The words the visitor reads and signs before the visit.",
        error_messages=_required(NO_AGREEMENT_TEXT),
    )
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HostsForm(forms.Form):
    """The tick boxes "Shadowing host", one per member of staff (coordinators aside)."""

    hosts = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hosts"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(m.pk, str(m.pk)) for m in memberships if not m.is_coordinator]
        field.error_messages["invalid_choice"] = "Choose people who work for the organisation now."
