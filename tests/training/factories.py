"""Factories for training, with traits for the states tests need."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from training.enums import BookingStatus, Delivery
from training.models import Booking, Course, Session, SessionPart, TrainingStandard


class TrainingStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingStandard
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Safeguarding standard {n}")
    slug = factory.Sequence(lambda n: f"standard-{n}")
    validity_months = 36


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Working together course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A multi-agency course on working together to safeguard children."
    delivery = Delivery.CLASSROOM
    length_hours = Decimal("6.5")
    cpd_hours = Decimal("6")

    class Params:
        needs_approval = factory.Trait(requires_manager_approval=True)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session three weeks ahead, one part from 9:30 to 16:30 (UK time), 20 places."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    capacity = 20
    venue = "Laurence House, 1 Catford Road, London SE6 4RU"

    @factory.post_generation
    def parts(obj: Session, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        if extracted is None:
            day = timezone.localtime() + timedelta(days=kwargs.get("days_ahead", 21))  # type: ignore[arg-type]
            start = day.replace(hour=9, minute=30, second=0, microsecond=0)
            extracted = [(start, start.replace(hour=16, minute=30))]
        for starts_at, ends_at in extracted:  # type: ignore[attr-defined]
            SessionPart.objects.create(session=obj, starts_at=starts_at, ends_at=ends_at)
        first = obj.parts.order_by("starts_at").first()
        last = obj.parts.order_by("-ends_at").first()
        obj.starts_at = first.starts_at if first else None
        obj.ends_at = last.ends_at if last else None
        obj.save()


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    attendee = factory.SubFactory("tests.organisations.factories.MembershipFactory")
    user = factory.LazyAttribute(lambda o: o.attendee.user)
    booked_by = factory.LazyAttribute(lambda o: o.attendee.user)
    status = BookingStatus.CONFIRMED
