"""The people import's pages for a file checked in the background, and for one that would
exhaust the server (organisations.views.imports). The rest of the import pages are tested with
the other people pages, in test_views.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, User
from organisations.enums import ImportStatus
from organisations.models import ImportBatch, Organisation
from tests.organisations.conftest import STAFF_HEADER, Council, csv_bytes
from tests.organisations.workbooks import blank_rows_xlsx, shared_string_bomb_xlsx

pytestmark = pytest.mark.django_db

ROWS = [STAFF_HEADER, ["Sam", "Taylor", "sam.taylor@lewisham.example", "", "", ""]]
REFRESH = '<meta http-equiv="refresh" content="5">'


def _url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"organisations:{name}", kwargs={"slug": organisation.slug, **kwargs})


def _post(client: Client, council: Council, upload: SimpleUploadedFile) -> Any:
    return client.post(
        _url("import_upload", council.organisation), {"kind": "staff", "file": upload}
    )


def test_a_large_file_shows_checking_until_its_task_is_done(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The preview of a file being checked says so and refreshes itself (a meta refresh: the
    CSP allows no script), offers no confirmation, and shows the rows once the task is done."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(client, council, SimpleUploadedFile("people.csv", csv_bytes(ROWS)))
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()

    waiting = client.get(batch.get_absolute_url()).content.decode()
    assert "<title>Checking your file" in waiting
    assert REFRESH in waiting
    assert f'href="{batch.get_absolute_url()}">refresh this page</a>' in waiting
    assert "Confirm and send invitations" not in waiting
    assert "<script>" not in waiting

    client.post(batch.get_absolute_url())
    assert not Invitation.objects.exists()

    callbacks[0]()
    ready = client.get(batch.get_absolute_url()).content.decode()
    assert REFRESH not in ready
    assert "sam.taylor@lewisham.example" in ready
    assert "Confirm and send invitations" in ready


def test_a_file_refused_by_its_task_shows_why(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.IMPORT_BACKGROUND_BYTES = 0
    upload = SimpleUploadedFile("people.xlsx", blank_rows_xlsx(STAFF_HEADER, 6_000, then=ROWS[1]))
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, council, upload)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    content = client.get(batch.get_absolute_url()).content.decode()
    assert "<title>Error: Check your import" in content
    assert "There is a problem with this file" in content
    assert "The file has more than 5,000 rows below the column names" in content
    assert REFRESH not in content
    assert "Confirm and send invitations" not in content
    assert "Upload a corrected file" in content


def test_a_zip_bomb_is_refused_on_the_upload_page(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    upload = SimpleUploadedFile("people.xlsx", shared_string_bomb_xlsx(STAFF_HEADER, 60))
    response = _post(client, council, upload)
    assert response.status_code == 200
    assert "“people.xlsx” is too big once unpacked" in response.content.decode()
    assert not ImportBatch.objects.exists()
