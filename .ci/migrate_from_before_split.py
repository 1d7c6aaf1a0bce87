"""A database seeded before compliance and evidence left `training` keeps every row.

Checks out the last commit before the move into a temporary worktree, migrates a new
database there and seeds the demo with that code, records every table's rows, then migrates
the same database with this checkout's code and checks: every row of every table is still
there, unchanged; the moved models' content types carry their new app labels (so permissions
and log entries still point at them); and `seed_demo` runs again on it.

    python .ci/migrate_from_before_split.py DATABASE_URL

Run by `.ci/run` on SQLite and on PostgreSQL. Exits non-zero on any difference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

# The last commit on main before the split (docs/architecture.md, "Moving models").
BEFORE_SPLIT = "6dbcaac"
ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MOVED = {
    "compliance": {
        "requirement",
        "appliedrequirement",
        "compliancenotice",
        "compliancedigest",
        "governordeclaration",
        "compliancerules",
    },
    "evidence": {"externalevidence", "historicalexternalevidence"},
}
SWEEPS = (
    "from training.tasks_compliance import compliance_digests_sweep_task as digests, "
    "compliance_notices_sweep_task as notices; print('Reminders:', notices(), digests())"
)
# Small enough to be quick, large enough that every moved table has rows.
SEED = ["seed_demo", "--people", "300", "--sessions", "30"]


def _connect(url: str):  # type: ignore[no-untyped-def]
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        import sqlite3

        return sqlite3.connect(parsed.path)
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1))


def _tables(connection) -> list[str]:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    if connection.__class__.__module__.startswith("sqlite3"):
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return sorted(row[0] for row in cursor.fetchall())


def snapshot(url: str) -> dict[str, frozenset[str]]:
    """Every table's rows, each as text."""
    connection = _connect(url)
    result = {}
    try:
        for table in _tables(connection):
            if table in {"django_migrations", "django_content_type", "django_session"}:
                continue
            cursor = connection.cursor()
            cursor.execute(f'SELECT * FROM "{table}"')
            result[table] = frozenset(repr(row) for row in cursor.fetchall())
    finally:
        connection.close()
    return result


def content_types(url: str) -> dict[tuple[str, str], int]:
    connection = _connect(url)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT app_label, model, id FROM django_content_type")
        return {(app, model): pk for app, model, pk in cursor.fetchall()}
    finally:
        connection.close()


def manage(cwd: Path, url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    env.pop("CELERY_BROKER_URL", None)  # tasks run in the process, as in `make run`
    # A cache in the process, as in `make run`: the SQLite and PostgreSQL checks run at once
    # and must not share cached values (Wagtail's site root paths) through Redis.
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, "manage.py", *args], cwd=cwd, env=env, check=True)


def main(url: str) -> int:
    worktree = Path(tempfile.mkdtemp(prefix="hub-before-split-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--force", str(worktree), BEFORE_SPLIT],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        shutil.copytree(ROOT / "static" / "dist", worktree / "static" / "dist", dirs_exist_ok=True)
        print(f"Seeding with the code of {BEFORE_SPLIT}, before the split")
        manage(worktree, url, "migrate", "--no-input", "-v", "0")
        manage(worktree, url, *SEED)
        # The demo sends no reminders; the sweeps do, so their sent-logs have rows too.
        manage(worktree, url, "shell", "-c", SWEEPS)
        before, types_before = snapshot(url), content_types(url)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT)
    print("Migrating with this checkout's code")
    manage(ROOT, url, "migrate", "--no-input", "-v", "1")
    after, types_after = snapshot(url), content_types(url)

    problems = []
    # Every row from before is still there, unchanged. New rows are allowed: the new models'
    # permissions, the shared sent-log's copies of evidence decisions.
    for table, rows in before.items():
        if table not in after:
            problems.append(f"{table}: gone after migrating")
        elif missing := rows - after[table]:
            problems.append(f"{table}: {len(missing)} of {len(rows)} rows missing or changed")
    for app, models in MOVED.items():
        for model in models:
            old = types_before.get(("training", model))
            new = types_after.get((app, model))
            if old is None:
                problems.append(f"no content type training.{model} before the move")
            elif new != old:
                problems.append(
                    f"content type training.{model} ({old}) is not {app}.{model} ({new})"
                )
    moved_rows = {
        table: len(before[table])
        for table in before
        if table.startswith(
            (
                "training_requirement",
                "training_compliance",
                "training_governor",
                "training_externalevidence",
                "training_historicalexternalevidence",
            )
        )
    }
    print("Rows in the moved tables:", ", ".join(f"{t} {n}" for t, n in sorted(moved_rows.items())))
    if any(count == 0 for count in moved_rows.values()):
        problems.append("a moved table was empty before migrating, so it proves nothing")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"{len(before)} tables, every row intact; content types moved. Seeding again:")
    manage(ROOT, url, *SEED)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
