"""Issuing is idempotent under real concurrency: threads on PostgreSQL, each with its own
connection, released together by a barrier, issuing for the same records one by one and in
batches. Each record ends with exactly one certificate, nobody sees an error, and each holder
gets one email."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from certificates.models import Certificate
from certificates.services.emails import EMAIL_KIND
from certificates.services.issuing import (
    certificate_issue_for_record,
    certificates_issue_for_records,
)
from outbox.models import SentEmail
from tests.certificates.factories import attended_booking
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from training.models import TrainingRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECORDS = 6
THREADS = 12
# A race that loses once in a while must not pass by luck.
ROUNDS = 3


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Each call in its own thread (its own connection), all released at the same moment.
    Returns each call's result, or the exception it raised, in the order of `calls`."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        outcome: Any
        try:
            start.wait()
            try:
                outcome = call()
            finally:
                connection.close()
        except BaseException as error:  # reported by the main thread
            outcome = error
        outcomes[index] = outcome

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _records() -> list[TrainingRecord]:
    organisation = OrganisationFactory.create()
    return [
        attended_booking(attendee=MembershipFactory.create(organisation=organisation)).record
        for _ in range(RECORDS)
    ]


def _one_by_one(record_ids: list[int]) -> Callable[[], list[int]]:
    order = random.sample(record_ids, len(record_ids))

    def call() -> list[int]:
        issued = [certificate_issue_for_record(record_id=record_id) for record_id in order]
        return [certificate.pk for certificate in issued if certificate is not None]

    return call


def _in_a_batch(record_ids: list[int]) -> Callable[[], list[int]]:
    return lambda: certificates_issue_for_records(record_ids=record_ids)


def _assert_exactly_one_each(records: list[TrainingRecord], outcomes: list[Any]) -> None:
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert errors == []
    for record in records:
        assert Certificate.objects.filter(training_record=record).count() == 1
    current = set(Certificate.objects.values_list("pk", flat=True))
    # Every thread that returned a certificate returned one of these, never one rolled back.
    assert {pk for outcome in outcomes for pk in outcome} <= current
    emails = SentEmail.objects.filter(kind=EMAIL_KIND)
    assert sorted(emails.values_list("key", flat=True)) == sorted(str(pk) for pk in current)


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_threads_issuing_one_by_one_give_one_certificate_per_record(round_number: int) -> None:
    records = _records()
    ids = [record.pk for record in records]

    outcomes = _all_at_once([_one_by_one(ids) for _ in range(THREADS)])

    _assert_exactly_one_each(records, outcomes)
    # Each thread got a certificate back for every record: the one issued, whoever issued it.
    for outcome in outcomes:
        assert len(outcome) == RECORDS


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_batches_and_single_issues_at_once_give_one_certificate_per_record(
    round_number: int,
) -> None:
    records = _records()
    ids = [record.pk for record in records]
    calls = [_in_a_batch(ids) for _ in range(THREADS // 2)]
    calls += [_one_by_one(ids) for _ in range(THREADS // 2)]

    outcomes = _all_at_once(calls)

    _assert_exactly_one_each(records, outcomes)
    batch_issued = [pk for outcome in outcomes[: THREADS // 2] for pk in outcome]
    assert len(batch_issued) == len(set(batch_issued))
