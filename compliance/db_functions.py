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
    ) -> tuple[str, tuple[Any, ...]]:
        (day_sql, day_params), (months_sql, months_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        # SQLite's own month arithmetic, or that month's last day, whichever is earlier: SQLite
        # rolls 31 January + 1 month over to 2 March, and the last day of February is earlier.
        # NULL in either gives NULL throughout. Kept shallow on purpose (no CASE, no arithmetic,
        # no extra brackets: Django brackets compound expressions itself): compliance nests this
        # inside several subqueries, and SQLite's parser has a fixed stack depth.
        sql = (
            f"min(date({day_sql}, {months_sql} || ' months'), "
            f"date({day_sql}, 'start of month', {months_sql} || ' months', '+1 months', '-1 day'))"
        )
        return sql, (*day_params, *months_params, *day_params, *months_params)


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
    ) -> tuple[str, tuple[Any, ...]]:
        (day_sql, day_params), (days_sql, days_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        # "7 days" or "-7 days"; NULL days give NULL.
        return f"date({day_sql}, {days_sql} || ' days')", (*day_params, *days_params)
