"""Running calls in real threads released at the same moment, for concurrency tests on
PostgreSQL (a double click, two tabs, two coordinators).

Each call runs in a thread of its own, so Django gives it a database connection of its own, and
all wait at a barrier until every thread has started, so they contend for the same rows rather
than running one after another. Each thread closes its connection when its call ends: a
connection left open would keep the test database in use and stop the next transactional test
emptying it. Use with `pytest.mark.django_db(transaction=True)`: the threads' connections cannot
see a test's uncommitted rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def all_at_once(calls: Sequence[Callable[[], T]]) -> list[T | BaseException]:
    """Run every call in its own thread, released together; wait for all of them.

    Returns each call's outcome in the order of `calls`: what it returned, or the exception it
    raised (caught in its thread, so the test asserts on it instead of the thread dying
    unseen)."""
    start = threading.Barrier(len(calls))
    outcomes: dict[int, T | BaseException] = {}

    def run(index: int, call: Callable[[], T]) -> None:
        outcome: T | BaseException
        try:
            start.wait()
            try:
                outcome = call()
            finally:
                connection.close()
        except BaseException as error:  # reported by the test, in the main thread
            outcome = error
        # Each thread writes its own key only, so no lock is needed.
        outcomes[index] = outcome

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # run() records an outcome for every call, whatever happens in it.
    return [outcomes[index] for index in range(len(calls))]
