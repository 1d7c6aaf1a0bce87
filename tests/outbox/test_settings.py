"""Email settings: the site always writes to the outbox; EMAIL_BACKEND names the mail server."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize("broker_url", ["", "redis://127.0.0.1:6379/1"])
def test_every_email_goes_through_the_outbox(
    monkeypatch: pytest.MonkeyPatch, broker_url: str
) -> None:
    """With a broker or without, the site's backend is the outbox and the outbox sends through
    the environment's EMAIL_BACKEND; post_office never sends from its own Celery hook."""
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    monkeypatch.setenv("EMAIL_BACKEND", SMTP)
    loaded = runpy.run_path(str(SETTINGS_FILE))
    assert loaded["EMAIL_BACKEND"] == "outbox.backends.OutboxBackend"
    assert loaded["POST_OFFICE"]["BACKENDS"] == {"default": SMTP}
    assert loaded["POST_OFFICE"]["CELERY_ENABLED"] is False


@pytest.mark.parametrize("backend", ["outbox.backends.OutboxBackend", "post_office.EmailBackend"])
def test_the_outbox_cannot_send_through_itself(
    monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """It would store each email again instead of sending it, for ever."""
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("EMAIL_BACKEND", backend)
    with pytest.raises(ImproperlyConfigured, match="mail server"):
        runpy.run_path(str(SETTINGS_FILE))
