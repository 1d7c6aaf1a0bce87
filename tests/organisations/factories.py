"""Factories for organisations, with traits for the roles the permission rules care about."""

import factory
from django.utils import timezone

from organisations.enums import GovernorCategory, ImportStatus, MembershipKind, Sector
from organisations.models import EmailDomain, ImportBatch, JobRole, Membership, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    sector = Sector.CHILDRENS_SOCIAL_CARE

    class Params:
        school = factory.Trait(sector=Sector.SCHOOL)


class EmailDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailDomain

    organisation = factory.SubFactory(OrganisationFactory)
    domain = factory.Sequence(lambda n: f"agency{n}.example")


class JobRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRole
        django_get_or_create = ("name", "sector")

    name = factory.Sequence(lambda n: f"Job role {n}")
    sector = ""


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    kind = MembershipKind.STAFF

    class Params:
        coordinator = factory.Trait(is_coordinator=True)
        clerk = factory.Trait(is_clerk=True)
        web_editor = factory.Trait(is_web_editor=True)
        governor = factory.Trait(
            kind=MembershipKind.GOVERNOR, governor_category=GovernorCategory.PARENT
        )
        volunteer = factory.Trait(kind=MembershipKind.VOLUNTEER)


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """An uploaded file waiting for confirmation. Rows are given as stored: number and values.

    Most tests upload a real file through `import_batch_create` instead; this is for pages
    that only need a batch in a given state (`ImportBatchFactory(applied=True)`).
    """

    class Meta:
        model = ImportBatch

    organisation = factory.SubFactory(OrganisationFactory)
    kind = MembershipKind.STAFF
    uploaded_by = factory.SubFactory("tests.accounts.factories.UserFactory")
    original_filename = "people.csv"
    file = factory.django.FileField(filename="people.csv", data=b"first_name,last_name,email\n")
    rows = factory.LazyFunction(list)
    problems = factory.LazyFunction(list)
    notes = factory.LazyFunction(list)

    class Params:
        applied = factory.Trait(
            status=ImportStatus.APPLIED,
            applied_at=factory.LazyFunction(timezone.now),
        )
