"""Reading rendered pages in tests: the visible text of the element with a given data-testid."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    def __init__(self, testid: str) -> None:
        super().__init__(convert_charrefs=True)
        self.testid = testid
        self.depth = 0  # > 0 while inside the element
        self.found: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.testid:
            self.depth = 1
            self.parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.depth:
            return
        self.depth -= 1
        if not self.depth:
            self.found.append(" ".join(" ".join(self.parts).split()))

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def texts_of(html: str | bytes, testid: str) -> list[str]:
    """The whitespace-collapsed text of every element with ``data-testid=testid``, in page order."""
    parser = _Text(testid)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.found


def text_of(html: str | bytes, testid: str) -> str:
    """The text of the one element with ``data-testid=testid`` (fails when there is not exactly one)."""
    found = texts_of(html, testid)
    assert len(found) == 1, f"{len(found)} elements with data-testid={testid!r}"
    return found[0]
