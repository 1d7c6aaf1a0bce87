"""The project's PDF renderer: every Latin letter prints, and a PDF reads only our own files.

Whether a file was opened or the network used is seen through Python's audit hooks
(`sys.addaudithook`): they report every `open` and socket call made by any library, by any route,
without replacing any of our code or xhtml2pdf's.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import PERMISSIVE_POLICY

from config.pdf import REFUSED_URI, PdfRenderError, link_callback, render_pdf

FONT = Path(django_settings.BASE_DIR) / "static" / "dist" / "fonts" / "DejaVuSans.ttf"

FONT_FACES = """
  @font-face { font-family: "DejaVu Sans"; src: url("/static/dist/fonts/DejaVuSans.ttf"); }
  @font-face {
    font-family: "DejaVu Sans";
    src: url("/static/dist/fonts/DejaVuSans-Bold.ttf");
    font-weight: bold;
  }
  body, p, strong { font-family: "DejaVu Sans"; }
"""

NAMES_TEMPLATE = (
    "<html><head><meta charset='utf-8'><style>" + FONT_FACES + "</style></head><body>"
    "<p>{{ first }}</p><p><strong>{{ second }}</strong></p>"
    "</body></html>"
)

# Every way a template can ask xhtml2pdf for a resource, each pointed somewhere it must not go.
HOSTILE_TEMPLATE = """<html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://{{ secret_css }}">
<link rel="stylesheet" href="{{ secret_css }}">
<link rel="stylesheet" href="https://example.com/style.css">
<style>
  @import url("file://{{ secret_css }}");
  @import url("http://example.com/import.css");
  @font-face { font-family: "Secret"; src: url("{{ secret_font }}"); }
  @font-face { font-family: "Remote"; src: url("https://example.com/font.ttf"); }
  body { background-image: url("file://{{ secret_image }}"); }
  p { background-image: url("http://example.com/background.png"); }
</style></head><body>
<p>Only our own files are read.</p>
<img src="{{ secret_image }}">
<img src="file://{{ secret_image }}">
<img src="http://example.com/x.png">
<img src="https://example.com/y.png">
<img src="/etc/passwd">
<img src="../../config/settings.py">
<img src="/static/../../config/settings.py">
<img src="/media/../../config/settings.py">
<p class="secret-font">Secret font</p>
</body></html>"""

REFUSED = [
    "/etc/passwd",
    "file:///etc/passwd",
    "../../config/settings.py",
    "config/settings.py",
    "/static/../../config/settings.py",
    "/static/dist/../../config/settings.py",
    "/static/%2e%2e/%2e%2e/config/settings.py",
    "/static/..%2f..%2fconfig/settings.py",
    "/media/../config/settings.py",
    "http://example.com/x.png",
    "https://example.com/x.png",
    "//example.com/x.png",
    "ftp://example.com/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "/static/",
    "/static/dist/fonts/missing.ttf",
    str(FONT),  # a real static file, but named by its path on disk rather than by URL
    f"file://{FONT}",
]

_recording: list[tuple[str, tuple[Any, ...]]] | None = None
_hook_installed = False

# The audit events that mean a file was opened or the network was used.
WATCHED_EVENTS = {
    "open",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "http.client.connect",
    "urllib.Request",
}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording is not None and event in WATCHED_EVENTS:
        _recording.append((event, args))


@pytest.fixture
def touched() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every file opened and every network call made while the test runs.

    An audit hook cannot be removed, so one is installed for the session and only records
    while this fixture is active.
    """
    global _recording, _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    _recording = []
    try:
        yield _recording
    finally:
        _recording = None


@pytest.fixture
def pdf_templates(settings: Any, tmp_path: Path) -> Path:
    """A folder for these tests' templates, searched before the project's."""
    folder = tmp_path / "templates"
    folder.mkdir()
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [folder, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return folder


@pytest.fixture
def secrets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Files outside the project and outside media, each holding a unique marker."""
    folder = tmp_path_factory.mktemp("outside-the-project")
    marker = f"SECRET-{uuid.uuid4().hex}"
    files = {
        "secret_css": folder / "secret.css",
        "secret_font": folder / "secret.ttf",
        "secret_image": folder / "secret.png",
    }
    for path in files.values():
        path.write_text(f"p::before {{ content: '{marker}'; }} {marker}")
    return {"marker": marker, **files}


def _opened(touched: list[tuple[str, tuple[Any, ...]]]) -> set[str]:
    """The real paths of the files opened by name."""
    paths = set()
    for event, args in touched:
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            paths.add(os.path.realpath(os.fsdecode(args[0])))
    return paths


def _network(touched: list[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, tuple[Any, ...]]]:
    return [entry for entry in touched if entry[0] != "open"]


def test_names_in_any_latin_alphabet_print_in_an_embedded_font(pdf_templates: Path) -> None:
    """Ł, Ó, ë and ễ come out of the PDF as written, drawn in the embedded DejaVu Sans."""
    (pdf_templates / "names.html").write_text(NAMES_TEMPLATE)

    content = render_pdf("names.html", {"first": "Łucja Ó'Brien", "second": "Zoë Nguyễn"})

    page = PdfReader(BytesIO(content)).pages[0]
    text = page.extract_text()
    assert "Łucja Ó'Brien" in text
    assert "Zoë Nguyễn" in text
    embedded = []
    resources: Any = page["/Resources"]
    for font in resources["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        for face in [d.get_object() for d in descendants] if descendants else [font]:
            descriptor = face.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(str(face["/BaseFont"]))
    assert any("DejaVuSans" in name for name in embedded), embedded
    assert any("DejaVuSans-Bold" in name for name in embedded), embedded


def test_a_real_static_file_resolves_to_its_path() -> None:
    """The font the PDFs use is found under /static/, as the real file."""
    assert link_callback("/static/dist/fonts/DejaVuSans.ttf") == os.path.realpath(FONT)


def test_a_file_in_static_root_resolves(settings: Any, tmp_path: Path) -> None:
    """After collectstatic, a file only in STATIC_ROOT is found there."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "collected.png").write_bytes(b"png")

    assert link_callback("/static/collected.png") == os.path.realpath(tmp_path / "collected.png")


def test_a_media_file_resolves_to_its_path(settings: Any) -> None:
    """An uploaded file (an organisation's logo, say) is found under /media/."""
    logo = Path(settings.MEDIA_ROOT) / "organisation-logos" / "logo.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"png")

    assert link_callback("/media/organisation-logos/logo.png") == os.path.realpath(logo)


@pytest.mark.parametrize("uri", REFUSED)
def test_anything_else_is_refused_and_logged(uri: str, caplog: pytest.LogCaptureFixture) -> None:
    """Paths on disk, other folders, "..", web addresses and other schemes are refused."""
    with caplog.at_level(logging.WARNING, logger="config.pdf"):
        assert link_callback(uri) == REFUSED_URI

    logged = [r.uri for r in caplog.records if r.name == "config.pdf"]
    assert logged == [uri]


def test_a_symbolic_link_out_of_media_is_refused(settings: Any, secrets: dict[str, Any]) -> None:
    """A link planted in a folder we serve cannot lead the PDF out of it."""
    media = Path(settings.MEDIA_ROOT)
    (media / "logo.png").symlink_to(secrets["secret_image"])
    (media / "folder").symlink_to(secrets["secret_image"].parent, target_is_directory=True)

    assert link_callback("/media/logo.png") == REFUSED_URI
    assert link_callback("/media/folder/secret.png") == REFUSED_URI


def test_a_symbolic_link_out_of_static_is_refused(
    settings: Any, tmp_path: Path, secrets: dict[str, Any]
) -> None:
    """The same holds for the static folders."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "logo.png").symlink_to(secrets["secret_image"])
    settings.STATICFILES_DIRS = [static]

    assert link_callback("/static/logo.png") == REFUSED_URI


def test_a_pdf_never_reads_what_it_may_not(
    pdf_templates: Path,
    secrets: dict[str, Any],
    touched: list[tuple[str, tuple[Any, ...]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Images, stylesheets, imports, fonts and backgrounds pointing at files outside our folders
    or at web addresses are left out: the PDF is made, nothing is opened or fetched, and none
    of the secret shows."""
    (pdf_templates / "hostile.html").write_text(HOSTILE_TEMPLATE)
    context = {name: str(path) for name, path in secrets.items() if name != "marker"}

    with caplog.at_level(logging.WARNING, logger="config.pdf"):
        content = render_pdf("hostile.html", context)

    assert content.startswith(b"%PDF")
    assert "Only our own files are read." in PdfReader(BytesIO(content)).pages[0].extract_text()
    assert secrets["marker"].encode() not in content
    paths: list[str | Path] = [
        *context.values(),
        "/etc/passwd",
        Path(django_settings.BASE_DIR) / "config" / "settings.py",
    ]
    forbidden = {os.path.realpath(path) for path in paths}
    assert not _opened(touched) & forbidden
    assert _network(touched) == []
    refused = {record.uri for record in caplog.records if record.name == "config.pdf"}
    assert f"file://{secrets['secret_image']}" in refused
    assert "https://example.com/font.ttf" in refused


def test_the_watch_sees_opens_and_lookups(
    secrets: dict[str, Any], touched: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """The check above can fail: xhtml2pdf left to itself does open the secret file, and a
    name lookup is seen."""
    html = f'<html><body><p>x</p><img src="{secrets["secret_image"]}"></body></html>'

    pisa.CreatePDF(html, dest=BytesIO(), resource_policy=PERMISSIVE_POLICY)
    socket.getaddrinfo("localhost", 80)

    assert os.path.realpath(secrets["secret_image"]) in _opened(touched)
    assert _network(touched)


def test_a_document_xhtml2pdf_cannot_render_raises(pdf_templates: Path) -> None:
    """A template nested too deeply for xhtml2pdf is an error, not an empty PDF."""
    (pdf_templates / "deep.html").write_text(
        "<html><body>" + "<div>" * 300 + "deep" + "</div>" * 300 + "</body></html>"
    )

    with pytest.raises(PdfRenderError, match=r"deep\.html"):
        render_pdf("deep.html", {})
