"""What a loader returns: text lines, and for documents with pages, slides or sheets, where each line sits.

A locator is a small dict a person can follow in their own app:
``{"page": 7, "line": 3}`` (PDF), ``{"slide": 3}`` (PowerPoint),
``{"sheet": "Prices", "row": 12}`` (Excel), ``{"row": 12}`` (CSV) and
``{"section": "Pricing", "paragraph": 4}`` or ``{"section": ..., "table": 1, "row": 2}``
(Word). Pages, slides, paragraphs and rows count from 1; spreadsheet rows are
the sheet's own row numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Characters that break a line inside a paragraph or cell (PowerPoint's soft
# return is a vertical tab); a cell or table row must stay one line.
_LINE_BREAKS = str.maketrans({"\v": "\n", "\r": "\n", "\f": "\n", "\u2028": "\n", "\u2029": "\n"})


@dataclass
class LoadedFile:
    source: str  # relative to the corpus root, forward slashes
    lines: list[str]  # with line endings kept
    file_hash: str  # sha256 of the raw bytes
    locs: list[dict] | None = None  # one locator per line; None for plain text (lines are the locator)
    breaks: frozenset[int] = frozenset()  # 1-based lines a chunk must start at: a new slide or sheet
    notes: list[str] = field(default_factory=list)  # for the ingest report: hidden sheets read, rows left out


def one_line(text: object) -> str:
    """A cell or table-row value on a single line, whitespace collapsed."""
    return " ".join(str(text).split())


class Builder:
    """Collects a document's lines with a locator for each, and where chunks must break."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.locs: list[dict] = []
        self.breaks: set[int] = set()
        self.notes: list[str] = []
        self._unit_pending = False

    def add(self, text: str, loc: dict) -> None:
        """Add ``text`` (one or more lines) at ``loc``; empty text adds nothing."""
        for ln in str(text).translate(_LINE_BREAKS).split("\n"):
            if not ln.strip():
                continue
            if self._unit_pending and self.lines:
                self.lines.append("\n")  # a blank line between units, kept with the one before
                self.locs.append(self.locs[-1])
                self.breaks.add(len(self.lines) + 1)
            self._unit_pending = False
            self.lines.append(ln.rstrip() + "\n")
            self.locs.append(loc)

    def new_unit(self) -> None:
        """The next line starts a new page, slide or sheet, after a blank line.

        With ``hard_breaks`` (see :meth:`loaded`) no chunk spans two units.
        """
        self._unit_pending = True

    @property
    def has_text(self) -> bool:
        return bool(self.lines)

    def loaded(self, source: str, digest: str, hard_breaks: bool) -> LoadedFile:
        """The file as loaded; ``hard_breaks``: chunks never span units (slides, sheets; not PDF pages)."""
        return LoadedFile(source, self.lines, digest, self.locs, frozenset(self.breaks) if hard_breaks else frozenset(), self.notes)
