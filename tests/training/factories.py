"""Factories for training, with traits for the states tests need."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from organisations.enums import ImportStatus, Sector
from training.enums import BookingStatus, ChargeKind, Delivery, RecordSource
from training.models import (
    Booking,
    BookingHold,
    Charge,
    Course,
    CourseAudienceSector,
    CourseFee,
    RecordImportBatch,
    Session,
    SessionPart,
    TrainingRecord,
    TrainingStandard,
)


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
            day = timezone.localtime() + timedelta(days=kwargs.get("days_ahead", 21))
            start = day.replace(hour=9, minute=30, second=0, microsecond=0)
            extracted = [(start, start.replace(hour=16, minute=30))]
        for starts_at, ends_at in extracted:
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

    # States with the timestamps they carry: BookingFactory(waitlisted=True), (offered=True)…
    class Params:
        waitlisted = factory.Trait(
            status=BookingStatus.WAITLISTED, waitlisted_at=factory.LazyFunction(timezone.now)
        )
        offered = factory.Trait(
            status=BookingStatus.OFFERED,
            waitlisted_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            offer_expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48)),
        )
        awaiting_approval = factory.Trait(
            status=BookingStatus.AWAITING_APPROVAL,
            approval_expires_at=factory.LazyAttribute(
                lambda o: o.session.starts_at - timedelta(hours=48)
            ),
        )
        cancelled = factory.Trait(
            status=BookingStatus.CANCELLED, cancelled_at=factory.LazyFunction(timezone.now)
        )
        attended = factory.Trait(status=BookingStatus.ATTENDED)
        no_show = factory.Trait(status=BookingStatus.NO_SHOW)


# Added for the booking services' tests ---------------------------------------------------------


class CourseAudienceSectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseAudienceSector

    course = factory.SubFactory(CourseFactory)
    sector = Sector.CHILDRENS_SOCIAL_CARE


class CourseFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseFee

    course = factory.SubFactory(CourseFactory)
    sector = Sector.VOLUNTARY
    amount = Decimal("100.00")


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A completed course on someone's record, from attending it."""

    class Meta:
        model = TrainingRecord
        skip_postgeneration_save = True

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    course = factory.SubFactory(CourseFactory)
    title = factory.LazyAttribute(lambda o: o.course.title if o.course else "Training")
    cpd_hours = Decimal("6")
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    source = RecordSource.ATTENDANCE

    @factory.post_generation
    def standards(self, create, extracted, **kwargs):
        """`TrainingRecordFactory(standards=[level_2])` puts those standards on the record."""
        if create and extracted:
            self.standards.set(extracted)


class BookingHoldFactory(factory.django.DjangoModelFactory):
    """A booking hold in force from yesterday for 90 days."""

    class Meta:
        model = BookingHold

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=90))
    reason = "did not attend 2 sessions in 12 months"


class ChargeFactory(factory.django.DjangoModelFactory):
    """A late-cancellation charge against the attendee's organisation."""

    class Meta:
        model = Charge

    booking = factory.SubFactory(BookingFactory, status=BookingStatus.LATE_CANCELLED)
    organisation = factory.LazyAttribute(lambda o: o.booking.attendee.organisation)
    kind = ChargeKind.LATE_CANCELLATION
    amount = Decimal("60.00")


class RecordImportBatchFactory(factory.django.DjangoModelFactory):
    """An uploaded file of completions waiting for confirmation."""

    class Meta:
        model = RecordImportBatch

    organisation = factory.SubFactory("tests.organisations.factories.OrganisationFactory")
    uploaded_by = factory.SubFactory("tests.accounts.factories.UserFactory")
    original_filename = "completions.csv"
    file = factory.django.FileField(filename="completions.csv", data=b"email\n")
    status = ImportStatus.UPLOADED
