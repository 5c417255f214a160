"""Locators: where a cited line sits in terms a person can follow (page, slide, sheet and row, section).

Loaders give each line of a PDF, Office file or CSV a locator; ingest stores
the locators of a chunk's lines with the chunk (:func:`attach`), and a
citation's locator and label come from the lines it quotes (:func:`locate`).
Text files have none: their lines are the locator, as before.
"""
from __future__ import annotations

import json
from dataclasses import replace

from .types import Chunk


def attach(chunks: list[Chunk], locs: list[dict] | None) -> list[Chunk]:
    """``chunks`` with the locators of their lines (``locs``: one per line of the file) stored on each."""
    if not locs:
        return chunks
    return [replace(c, locs=json.dumps(locs[c.start_line - 1 : c.end_line], separators=(",", ":"), ensure_ascii=False))
            for c in chunks]


def locate(chunk: Chunk, start_line: int, end_line: int) -> tuple[dict, str]:
    """The locator and its label for lines ``start_line..end_line`` of ``chunk``'s file."""
    first = last = None
    if chunk.locs:
        try:
            per_line = json.loads(chunk.locs)
            first = per_line[start_line - chunk.start_line]
            last = per_line[end_line - chunk.start_line]
        except (ValueError, IndexError, TypeError):  # a chunk from an older index, or lines outside it
            first = last = None
    loc = span(first, last) if isinstance(first, dict) and isinstance(last, dict) else lines_locator(start_line, end_line)
    return loc, label(loc)


def chunk_locator(chunk: Chunk) -> tuple[dict, str]:
    """The locator and label of a whole chunk (a passage)."""
    return locate(chunk, chunk.start_line, chunk.end_line)


def lines_locator(start_line: int, end_line: int) -> dict:
    return {"line": start_line} if start_line == end_line else {"line": start_line, "end_line": end_line}


def span(first: dict, last: dict) -> dict:
    """One locator for a range from the line at ``first`` to the line at ``last``."""
    out = dict(first)
    for key in ("page", "slide", "row", "paragraph"):
        if key in first and key in last and last[key] != first[key]:
            out[f"end_{key}"] = last[key]
    if "page" in first and "end_page" not in out and last.get("line") != first.get("line"):
        out["end_line"] = last.get("line")
    if "section" in first and last.get("section") != first.get("section"):
        out["end_section"] = last.get("section")
    return out


def label(loc: dict) -> str:
    """The locator in words: "page 7", "pages 7–8", "slide 3", "sheet Prices, row 12", "“Pricing”, paragraph 4"."""
    if "page" in loc:
        return _range("page", loc["page"], loc.get("end_page"))
    if "slide" in loc:
        return _range("slide", loc["slide"], loc.get("end_slide"))
    if "sheet" in loc:
        return f"sheet {loc['sheet']}, {_range('row', loc['row'], loc.get('end_row'))}"
    if "section" in loc:
        if "table" in loc:
            where = f"table {loc['table']}, {_range('row', loc['row'], loc.get('end_row'))}"
        elif "paragraph" in loc:
            where = _range("paragraph", loc["paragraph"], loc.get("end_paragraph"))
        else:
            return f"page {loc['section']}"  # header or footer text
        return f"\u201c{loc['section']}\u201d, {where}" if loc["section"] else where
    if "row" in loc:
        return _range("row", loc["row"], loc.get("end_row"))
    if "line" in loc:
        return _range("line", loc["line"], loc.get("end_line"))
    return ""


def _range(noun: str, a, b) -> str:
    return f"{noun} {a}" if b is None or b == a else f"{noun}s {a}\u2013{b}"


_UNIT_KEYS = ("page", "slide", "sheet", "section")
# Lines either side of a cited line that the source panel may show from the
# same page, slide or section: a whole slide or page of prose, bounded.
_UNIT_REACH = 40


def window(locs: list[dict], start_line: int, end_line: int, around: int) -> tuple[int, int]:
    """First and last line (1-based) to show around a citation: its page, slide or section, or
    ``around`` rows either side in a sheet; never across into another unit."""
    unit = _unit(locs[start_line - 1])
    reach = around if "row" in locs[start_line - 1] and "table" not in locs[start_line - 1] else _UNIT_REACH
    first, last = start_line, end_line
    while first > 1 and start_line - first < reach and _unit(locs[first - 2]) == unit:
        first -= 1
    while last < len(locs) and last - end_line < reach and _unit(locs[last]) == unit:
        last += 1
    return first, last


def gutter(loc: dict) -> str:
    """What the source panel's number column shows for a line: its line on the page, its row, its paragraph."""
    if "page" in loc:
        return str(loc.get("line", ""))
    if "table" in loc:
        return f"T{loc['table']}\u00b7{loc['row']}"
    if "row" in loc:
        return str(loc["row"])
    if "paragraph" in loc:
        return f"\u00b6{loc['paragraph']}"
    return ""


def _unit(loc: dict) -> tuple:
    return tuple((k, loc[k]) for k in _UNIT_KEYS if k in loc)
