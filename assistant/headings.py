"""Which lines of a document are its headings, and which headings are in force where each chunk starts.

Ingest records with each chunk the title and the headings above its first
line (:func:`with_headings`), so that a chunk starting inside a section still
knows which; :mod:`assistant.scope` reads them back at answer time. This
module is part of how a file is read into chunks, so its code is covered by
the reader's fingerprint (:mod:`assistant.reader`).
"""
from __future__ import annotations

import re
from dataclasses import replace

from .boilerplate import asks, is_fence, is_markup_or_byline, states_something
from .spans import continues_on, is_table_row
from .types import Chunk

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(?P<text>.*?)[\s#]*$")
_WIKI_HEADING = re.compile(r"^(={2,6})\s*(?P<text>[^=].*?)\s*\1\s*$")  # "== Geography ==" (a wiki text dump)
_ITEM = re.compile(r"^\s*([-*•+]|\d+[.)])\s")
MAX_HEADING_WORDS = 14  # the longest unmarked line read as a heading (boilerplate.is_heading's bound)
PLAIN_LEVEL = 7  # the level of an unmarked heading line: below every markdown level (1..6)


def with_headings(chunks: list[Chunk], lines: list[str]) -> list[Chunk]:
    """``chunks`` with the headings in force at each one's first line (:attr:`Chunk.heads`)."""
    if not chunks:
        return chunks
    title = lines[0].rstrip("\r\n") if lines and title_like(lines[0]) else ""
    levels = dict(heading_lines([ln.rstrip("\r\n") for ln in lines]))
    trail: list[tuple[int, str]] = []  # (level, line) from the shallowest down
    starts = {c.start_line for c in chunks}
    at_line: dict[int, str] = {}
    for k, raw in enumerate(lines):
        if k and k + 1 in starts and (title or trail):  # a chunk from line 1 holds its own title
            at_line[k + 1] = "\n".join([title] + [t for _, t in trail if t != title])
        if k in levels:
            trail = [(d, t) for d, t in trail if d < levels[k]] + [(levels[k], raw.rstrip("\r\n"))]
    return [replace(c, heads=at_line.get(c.start_line, "")) for c in chunks]



def heading_lines(lines: list[str]) -> list[tuple[int, int]]:
    """(index, level) of each heading line, outside fenced code blocks."""
    out, fenced = [], False
    for k, line in enumerate(lines):
        if is_fence(line):
            fenced = not fenced
            continue
        depth = 0 if fenced else heading_level(line)
        if depth == PLAIN_LEVEL and k + 1 < len(lines) and continues_on(line, lines[k + 1]):
            depth = 0  # hard-wrapped prose, as the sentence splitter reads it: "... missing from the Python" / "standard libraries:"
        if depth:
            out.append((k, depth))
    return out



def heading_level(line: str) -> int:
    """1..6 for a markdown heading, 7 for an unmarked heading line, 0 for any other line."""
    m = _MD_HEADING.match(line) or _WIKI_HEADING.match(line)
    if m:
        return len(m.group(1))
    return PLAIN_LEVEL if _unmarked_heading(line) else 0



def heading_text(line: str) -> str:
    m = _MD_HEADING.match(line) or _WIKI_HEADING.match(line)
    return (m.group("text") if m else line).strip()



def title_like(line: str) -> bool:
    """A first line that names the document: a heading, or a short line such as "Transcript: call with Acme, 3 May"."""
    return bool(_MD_HEADING.match(line)) or (_short_line(line) and not is_markup_or_byline(line))



def _unmarked_heading(line: str) -> bool:
    """A short line on its own that states nothing ("The Rise of Electric Vehicles"), not a field or list line."""
    return _short_line(line) and not states_something(line.strip()) and not is_markup_or_byline(line)



def _short_line(line: str) -> bool:
    t = line.strip()
    words = t.split()
    return (0 < len(words) <= MAX_HEADING_WORDS and not t.endswith((".", "!", "?", ";", ",", ":")) and not asks(t)
            and not _ITEM.match(t) and not is_table_row(t) and "|" not in t and not is_fence(t))
