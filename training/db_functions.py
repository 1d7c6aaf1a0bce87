"""Date arithmetic in the database that PostgreSQL and SQLite agree on, and Python matches.

`AddMonths` gives the same day N months later, or the last day of that month when it has no
such day (31 January + 1 month = 28 or 29 February), exactly as `dateutil.relativedelta` and
PostgreSQL's interval arithmetic do. SQLite's own `date(d, '+N months')` would roll over into
March instead, so its version clamps explicitly.
"""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func
from django.db.models.sql.compiler import SQLCompiler


class AddMonths(Func):
    """`date` + `months` months (NULL if either is NULL)."""

    arity = 2
    output_field = DateField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        (day_sql, day_params), (months_sql, months_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (
            f"(({day_sql})::date + make_interval(months => ({months_sql})::integer))::date",
            [*day_params, *months_params],
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        (day_sql, day_params), (months_sql, months_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        # The same day in the target month, or that month's last day, whichever is earlier.
        same_day = (
            f"date({day_sql}, 'start of month', '+' || ({months_sql}) || ' months', "
            f"'+' || (CAST(strftime('%%d', {day_sql}) AS INTEGER) - 1) || ' days')"
        )
        last_day = (
            f"date({day_sql}, 'start of month', '+' || (({months_sql}) + 1) || ' months', '-1 day')"
        )
        sql = (
            f"(CASE WHEN ({day_sql}) IS NULL OR ({months_sql}) IS NULL THEN NULL "
            f"ELSE min({same_day}, {last_day}) END)"
        )
        params = [
            *day_params,
            *months_params,  # the NULL test
            *day_params,
            *months_params,
            *day_params,  # same_day
            *day_params,
            *months_params,  # last_day
        ]
        return sql, params


class AddDays(Func):
    """`date` + `days` days (negative to go back; NULL if either is NULL)."""

    arity = 2
    output_field = DateField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        (day_sql, day_params), (days_sql, days_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"(({day_sql})::date + ({days_sql})::integer)", [*day_params, *days_params]

    def as_sqlite(
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        (day_sql, day_params), (days_sql, days_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (
            f"date({day_sql}, printf('%%+d days', {days_sql}))",
            [*day_params, *days_params],
        )
