"""The `AppliedRequirement` database view, dropped before and created again after every
`migrate`, so migrations that change the tables it reads never trip over it.

SQLite rebuilds a table to alter it, which fails while a view reads the table; PostgreSQL
refuses to change the type of a column a view reads. Dropping the view before the migrations
run and creating it again afterwards (from the SQL below, which is the view as it is now) lets
any later migration change memberships, organisations or requirements freely. If the view's SQL
must change, change it here: the next `migrate` puts the new one in place.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

VIEW = "training_appliedrequirement"
# The migration that first created the view; before it is applied there is no view to make.
CREATED_BY = ("training", "0005_applied_requirement_view")

CREATE_VIEW = f"""
CREATE VIEW {VIEW} AS
SELECT m.id AS membership_id,
       q.id AS requirement_id,
       m.user_id AS user_id,
       q.standard_id AS standard_id,
       m.organisation_id AS organisation_id
FROM organisations_membership m
INNER JOIN organisations_organisation o ON o.id = m.organisation_id
INNER JOIN training_requirement q
    ON q.is_active
   AND (q.sector = '' OR q.sector = o.sector)
   AND (q.membership_kind = '' OR q.membership_kind = m.kind)
   AND (q.governor_role = '' OR q.governor_role = m.governor_role)
   AND (
        NOT EXISTS (
            SELECT 1 FROM training_requirement_job_roles jr WHERE jr.requirement_id = q.id
        )
        OR EXISTS (
            SELECT 1 FROM training_requirement_job_roles jr
            WHERE jr.requirement_id = q.id AND jr.jobrole_id = m.job_role_id
        )
   )
"""

DROP_VIEW = f"DROP VIEW IF EXISTS {VIEW}"


def applied_requirement_view_drop(*, using: str = "default", **kwargs: Any) -> None:
    """Before `migrate`: drop the view (if there is one)."""
    with connections[using].cursor() as cursor:
        cursor.execute(DROP_VIEW)


def applied_requirement_view_create(*, using: str = "default", **kwargs: Any) -> None:
    """After `migrate` (and after a test database is flushed): create the view again, once the
    migration that introduced it is applied."""
    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if CREATED_BY not in applied:
        return
    with connection.cursor() as cursor:
        cursor.execute(DROP_VIEW)
        cursor.execute(CREATE_VIEW)
