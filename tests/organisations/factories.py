"""Factories for organisations, with traits for the roles the permission rules care about."""

import factory

from organisations.enums import GovernorCategory, MembershipKind, Sector
from organisations.models import EmailDomain, JobRole, Membership, Organisation


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
