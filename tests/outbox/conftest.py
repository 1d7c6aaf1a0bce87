"""Fixtures for the outbox tests.

pytest-django swaps the site's email backend for its locmem one, so every other test reads
`mail.outbox` straight away. These tests put the site's own backend (the outbox) back and
choose what the outbox sends through: a mail server that cannot be reached, then a working one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config import settings as project_settings
from tests.outbox.mail_servers import LOCMEM, SMTP, closed_port


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Callable[[str], None]:
    """The site's email setup, with the backend the outbox sends through chosen by the test
    (locmem to begin with). Its lock file is the test's own, so parallel runs do not meet."""
    settings.EMAIL_BACKEND = project_settings.EMAIL_BACKEND
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    def send_through(backend: str) -> None:
        settings.POST_OFFICE = {
            **project_settings.POST_OFFICE,
            "BACKENDS": {"default": backend},
            "LOCK_FILE_NAME": str(tmp_path / "outbox"),
        }

    send_through(LOCMEM)
    return send_through


@pytest.fixture
def mail_server_down(settings: Any, outbox: Callable[[str], None]) -> Callable[[str], None]:
    """The outbox sends by SMTP to a local port where nothing listens, without TLS."""
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    outbox(SMTP)
    return outbox
