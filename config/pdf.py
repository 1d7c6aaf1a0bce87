"""The project's one PDF renderer: a Django template turned into PDF bytes with xhtml2pdf.

Certificates, escalation posters and reports all come through `render_pdf`, so there is one
place that decides what a PDF may read while it is made. A template can ask xhtml2pdf for any
URI (an `<img src>`, a stylesheet, `@import`, a font). Left alone, xhtml2pdf would fetch web
addresses and read any file the process can, so text that reached a template (a page title, a
name) could make the server fetch an internal address or put a file such as the settings into
a PDF. Here a PDF reads only the project's own files:

* `/static/...`: a file in one of `STATICFILES_DIRS` or in `STATIC_ROOT`;
* `/media/...`: a file in `MEDIA_ROOT` (never the private media folder).

Anything else is refused: web addresses, `file:` URIs, absolute paths, relative paths, `data:`
URIs, and any path that leaves its folder through `..` or a symbolic link.

The one exception is made by code, never by a template: `render_pdf(..., images={"image:qr":
png})` gives the template images made in memory (a certificate's QR code). The template names
them exactly ("image:qr"); the callback answers with a `data:` URI built here from the bytes
given, so a `data:` URI written in a template (or in text that reached it) is still refused.

How a refusal is made safe. xhtml2pdf calls `link_callback(uri, rel)` and then, if the answer is
empty, goes on with the *original* URI (`files.pisaFileObject`: ``if callback and (new :=
callback(uri, basepath))``), so returning "" or None would fetch exactly what was refused. An
exception from the callback is not caught either: it aborts the whole render. So a refused URI
is swapped for `REFUSED_URI`, an empty `data:` URI, which xhtml2pdf decodes in memory: nothing
is opened and nothing is fetched, an image is left out, a stylesheet is empty and a font falls
back to the next one. As a second line, the render runs under an xhtml2pdf resource policy that
forbids the network and confines local reads to the same folders, which also covers the few
places in xhtml2pdf that read files without asking the callback (see
`xhtml2pdf/config/resources.py`).
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

logger = logging.getLogger(__name__)

# What a refused URI becomes: an empty inline resource, decoded in memory by xhtml2pdf. Not ""
# or None, which make xhtml2pdf use the original URI (see the module docstring).
REFUSED_URI = "data:,"

# Longest piece of a refused URI written to the log: enough to recognise it, not enough to
# fill the log with a data: URI or an attacker's essay.
LOGGED_URI_LENGTH = 200


class PdfRenderError(Exception):
    """xhtml2pdf could not turn the template into a PDF."""


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    images: Mapping[str, tuple[str, bytes]] | None = None,
) -> bytes:
    """Render `template_name` with `context` to a PDF, reading only the project's own files.

    `images` maps names the template uses as an `<img src>` ("image:qr") to a content type
    and bytes made by our code ("image/png", b"..."), drawn from memory.

    Raises `PdfRenderError` if xhtml2pdf fails or reports errors (a document nested too deep,
    one that took too long), rather than returning a broken or half-empty PDF that someone
    would print and pin up. A refused resource is not an error: it is left out and logged.
    """
    html = render_to_string(template_name, context)
    output = BytesIO()
    try:
        status = pisa.CreatePDF(
            html,
            dest=output,
            encoding="utf-8",
            link_callback=_callback_with(images) if images else link_callback,
            resource_policy=_resource_policy(),
        )
    except Exception as error:
        raise PdfRenderError(f"xhtml2pdf could not render {template_name}: {error}") from error
    if status.err:
        messages = "; ".join(
            str(entry[2]) for entry in getattr(status, "log", []) if entry[0] == "error"
        )
        raise PdfRenderError(
            f"xhtml2pdf reported {status.err} error(s) rendering {template_name}: {messages}"
        )
    return output.getvalue()


def _callback_with(images: Mapping[str, tuple[str, bytes]]) -> Any:
    """`link_callback`, also answering the given in-memory images' names with `data:` URIs."""
    inline = {
        name: f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"
        for name, (content_type, content) in images.items()
    }

    def callback(uri: str, rel: str | None = None) -> str:
        if isinstance(uri, str) and uri in inline:
            return inline[uri]
        return link_callback(uri, rel)

    return callback


def link_callback(uri: str, rel: str | None = None) -> str:
    """The file a URI in a PDF template stands for, or `REFUSED_URI` if it may not be read.

    `rel` (the folder xhtml2pdf would resolve a relative URI against) is ignored on purpose:
    only root-relative `/static/` and `/media/` addresses are accepted.
    """
    path = _allowed_file(uri)
    if path is None:
        logger.warning(
            "A PDF template asked for a resource it may not read; it was left out.",
            extra={"uri": str(uri)[:LOGGED_URI_LENGTH]},
        )
        return REFUSED_URI
    return str(path)


def _allowed_file(uri: object) -> Path | None:
    """The real path of the static or media file `uri` names, if it is one."""
    if not isinstance(uri, str):
        return None
    parts = urlsplit(uri)
    # A scheme (file:, http:, data:…) or a host ("//example.com/x") is never one of ours.
    if parts.scheme or parts.netloc:
        return None
    # Decoded first, so "%2e%2e" is seen as the ".." it is.
    path = unquote(parts.path)
    if "\x00" in path or "\\" in path:
        return None
    for prefix, roots in _url_roots():
        if prefix and path.startswith(prefix):
            return _file_inside(path.removeprefix(prefix), roots)
    return None


def _url_roots() -> list[tuple[str, list[Path]]]:
    """Each URL prefix we serve files from, with the folders behind it."""
    static_roots = [
        Path(entry[1] if isinstance(entry, (tuple, list)) else entry)
        for entry in settings.STATICFILES_DIRS
    ]
    if settings.STATIC_ROOT:
        static_roots.append(Path(settings.STATIC_ROOT))
    media_roots = [Path(settings.MEDIA_ROOT)] if settings.MEDIA_ROOT else []
    # The path part only: with STATIC_URL on another host ("https://cdn.example/static/"),
    # templates still name files "/static/...".
    return [
        (urlsplit(settings.STATIC_URL or "").path, static_roots),
        (urlsplit(settings.MEDIA_URL or "").path, media_roots),
    ]


def _file_inside(relative: str, roots: list[Path]) -> Path | None:
    """`relative` as a file in the first of `roots` that has it, once links are followed.

    A ".." segment is refused outright; the resolved path is checked as well, so a symbolic link
    inside a folder that points outside it is refused too.
    """
    segments = relative.split("/")
    if not relative or any(segment == ".." for segment in segments):
        return None
    for root in roots:
        try:
            real_root = Path(os.path.realpath(root))
            candidate = Path(os.path.realpath(real_root.joinpath(*segments)))
        except (OSError, ValueError):
            continue
        if candidate.is_relative_to(real_root) and candidate.is_file():
            return candidate
    return None


def _resource_policy() -> ResourceAccessPolicy:
    """xhtml2pdf's own limits for the render: no network, local reads only in our folders."""
    roots = tuple(
        Path(os.path.realpath(root)) for _prefix, folders in _url_roots() for root in folders
    )
    return ResourceAccessPolicy.server(base_dir=None, allow_remote=False, extra_roots=roots)
