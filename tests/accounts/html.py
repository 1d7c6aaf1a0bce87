"""Reading the HTML our pages send, for tests that check GOV.UK markup and accessibility."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings


@dataclass
class Page:
    """What a test needs to know about a page's markup."""

    title: str = ""
    h1_classes: list[str] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    label_targets: set[str] = field(default_factory=set)
    inline_scripts: int = 0
    style_attributes: int = 0
    images: list[dict[str, str]] = field(default_factory=list)

    def input_named(self, name: str) -> dict[str, str]:
        for attrs in self.inputs:
            if attrs.get("name") == name:
                return attrs
        raise AssertionError(f"no input named {name!r}: {[i.get('name') for i in self.inputs]}")

    def unlabelled_inputs(self) -> list[str]:
        """Visible inputs with no <label for=…> pointing at them."""
        return [
            attrs.get("name", "?")
            for attrs in self.inputs
            if attrs.get("type") not in {"hidden", "submit", "button"}
            and attrs.get("id") not in self.label_targets
        ]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if "style" in attrs:
            self.page.style_attributes += 1
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.page.h1_classes.append(attrs.get("class", ""))
        elif tag in {"input", "select", "textarea"}:
            self.page.inputs.append({"tag": tag, **attrs})
        elif tag == "label" and attrs.get("for"):
            self.page.label_targets.add(attrs["for"])
        elif tag == "script" and not attrs.get("src"):
            self.page.inline_scripts += 1
        elif tag == "img":
            self.page.images.append(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def parse(content: bytes | str) -> Page:
    parser = _Parser()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    page = parser.page
    page.title = re.sub(r"\s+", " ", page.title).strip()
    return page


def page_title(name: str, *, error: bool = False) -> str:
    """The <title> base.html gives a page: name, dash, partnership; "Error: " first on errors."""
    prefix = "Error: " if error else ""
    return f"{prefix}{name} \N{EN DASH} {settings.PARTNERSHIP_NAME}"
