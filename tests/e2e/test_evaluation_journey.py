"""The whole journey in Chromium, as a new user tries it: the trainer marks the register; the
practitioner finds her evaluation on My training, answers it and downloads the certificate
that waited for it; an anonymous visitor checks the certificate's code. Nothing in between is
called by the test: the register's signal asks the evaluation, the answer's signal issues the
certificate (tasks run in the process, after each commit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from certificates.models import Certificate
from evaluations.enums import QuestionKind, Step
from evaluations.models import Invitation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.evaluations.factories import CourseEvaluationFactory, questions_at
from tests.organisations.factories import MembershipFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.browser


def test_register_evaluation_certificate_and_its_check(axe_page: Page) -> None:
    course = CourseFactory.create(title="Working together to safeguard children")
    evaluation = CourseEvaluationFactory.create(
        course=course, uses_before=False, uses_follow_up=False, certificate_waits_for_after=True
    )
    questions_at(evaluation, [QuestionKind.RATING, QuestionKind.FREE_TEXT], step=Step.AFTER)
    end = timezone.localtime() - timedelta(hours=1)
    session = SessionFactory.create(course=course, parts=[(end - timedelta(hours=6), end)])
    trainer = UserFactory.create(trainer=True, first_name="Jade", last_name="Campbell")
    enrol_totp(trainer)
    session.trainers.add(trainer)
    learner = MembershipFactory.create(user__first_name="Łucja", user__last_name="Nguyễn")
    BookingFactory.create(session=session, attendee=learner)

    # The trainer marks the register.
    sign_in(axe_page, trainer.email, mfa=True)
    axe_page.goto(reverse("training:register", args=[session.pk]))
    axe_page.get_by_label("Attended", exact=True).check()
    axe_page.get_by_role("button", name="Mark attendance").click()
    expect(axe_page.locator("main")).to_contain_text("1 attended")
    invitation = Invitation.objects.get(booking__session=session, step=Step.AFTER)
    assert any(learner.user.email in message.to for message in mail.outbox)
    assert not Certificate.objects.exists()  # it waits for the evaluation

    # The practitioner answers from My training.
    axe_page.context.clear_cookies()
    sign_in(axe_page, learner.user.email)
    axe_page.goto(reverse("compliance:my_training"))
    expect(axe_page.locator("#evaluations")).to_be_visible()
    assert_accessible(axe_page)
    axe_page.locator(
        f"a[href='{reverse('evaluations_answering:answer', args=[invitation.pk])}']"
    ).click()
    axe_page.locator("input[type=radio][value='4']").check()
    axe_page.locator("textarea").fill("I will bring the chronology to the strategy meeting.")
    axe_page.get_by_role("button", name="Send your answers").click()
    expect(axe_page.locator("main")).to_contain_text("Your certificate is on its way")

    certificate = Certificate.objects.get(holder=learner.user)
    assert certificate.holder_name == "Łucja Nguyễn"
    axe_page.goto(reverse("compliance:my_training"))
    expect(axe_page.locator("#certificates ~ table").first).to_contain_text(course.title)
    assert_accessible(axe_page)
    with axe_page.expect_download() as download:
        axe_page.locator("#certificates ~ table a", has_text="(PDF)").first.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Anyone checks the code printed on it.
    axe_page.context.clear_cookies()
    axe_page.goto(reverse("certificates:verify"))
    axe_page.locator("input[name=code]").fill(certificate.display_code)
    axe_page.keyboard.press("Enter")
    expect(axe_page.locator("main")).to_contain_text("Łucja Nguyễn")
    expect(axe_page.locator("main")).to_contain_text("Valid")
