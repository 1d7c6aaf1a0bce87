"""Emptying the PostgreSQL test database after each transactional test (browser, thread and
worker tests) with DELETE rather than Django's TRUNCATE.

Django's flush truncates every table in one statement, which on PostgreSQL costs about 0.4 s
however empty the tables are (each table gets new files), so about a minute of the suite went
on emptying tables holding a few rows. Deleting from each, with foreign-key triggers off for
the flush's own transaction (`session_replication_role = replica`, which needs a superuser,
as CI's PostgreSQL user is), takes about 40 ms. Every table is still emptied; only how.
Used only when the test database's user is a superuser and sequences are not to be reset;
otherwise Django's own flush runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate_flush: Callable[..., list[str]] = DatabaseOperations.sql_flush


def _delete_flush(
    self: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    if reset_sequences or not tables or not _is_superuser(self):
        return _truncate_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    # Run inside the flush's transaction (DatabaseOperations.execute_sql_flush), so SET LOCAL
    # ends with it.
    return [
        "SET LOCAL session_replication_role = replica",
        *(f"DELETE FROM {self.quote_name(table)}" for table in tables),
    ]


def _is_superuser(operations: DatabaseOperations) -> bool:
    connection = operations.connection
    cached = getattr(connection, "_hub_is_superuser", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        cached = bool(row and row[0])
        connection._hub_is_superuser = cached
    return bool(cached)


def install() -> None:
    setattr(DatabaseOperations, "sql_flush", _delete_flush)  # noqa: B010
