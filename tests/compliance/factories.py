"""Factories for compliance, with traits for the states tests need."""

from datetime import timedelta

import factory
from django.utils import timezone

from compliance.models import GovernorDeclaration, Requirement
from tests.training.factories import TrainingStandardFactory


class RequirementFactory(factory.django.DjangoModelFactory):
    """A requirement in force for two years already, for everyone unless narrowed."""

    class Meta:
        model = Requirement
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Requirement {n}")
    standard = factory.SubFactory(TrainingStandardFactory)
    grace_months = 3
    applies_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=730))

    @factory.post_generation
    def job_roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.job_roles.set(extracted)


class GovernorDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernorDeclaration

    membership = factory.SubFactory(
        "tests.organisations.factories.MembershipFactory", governor=True
    )
    edition = "Keeping children safe in education 2026"
    declared_on = factory.LazyFunction(timezone.localdate)
