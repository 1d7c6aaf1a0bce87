"""Model behaviour that pages rely on."""

import pytest

from tests.organisations.factories import JobRoleFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("job_role", "flags", "expected"),
    [
        ("Social worker", {}, ["Social worker"]),
        ("Team manager", {"is_coordinator": True}, ["Team manager", "Training coordinator"]),
        ("Clerk to governors", {"is_clerk": True}, ["Clerk to governors"]),
        (None, {"is_web_editor": True}, ["Staff", "Web editor"]),
    ],
)
def test_role_labels_name_each_role_once(job_role, flags, expected):
    """The home page lists a membership's roles, each once, job role first."""
    membership = MembershipFactory(
        job_role=JobRoleFactory(name=job_role) if job_role else None, **flags
    )
    assert membership.role_labels == expected


def test_governor_role_labels_show_category_and_role():
    """A governor is described by category and any board role, not by a job role."""
    membership = MembershipFactory(governor=True, governor_role="chair")
    assert membership.role_labels == ["Parent governor", "Chair"]
