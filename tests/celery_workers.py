"""What a Celery worker started afresh knows, for tests that check beat's tasks reach it."""

from __future__ import annotations

import os
import subprocess
import sys


def tasks_a_new_worker_registers() -> set[str]:
    """The task names a worker started with `celery -A config worker` registers.

    Asked of a fresh process: the test process has imported every task module already, so its
    own registry would hide a module the worker never imports.
    """
    program = (
        "import django; django.setup(); "
        "from config.celery import app; app.loader.import_default_modules(); "
        "print('\\n'.join(sorted(app.tasks)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        timeout=120,
    )
    return set(result.stdout.split())
