"""Sentence spans inside a chunk, with their own line numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .sentences import split_sentences
from .loaders import split_lines
from .types import Chunk


@dataclass(frozen=True)
class Span:
    chunk: Chunk
    text: str
    start_line: int
    end_line: int
    start_char: int  # offset in the file


# A sheet's title or header line ("Sheet Prices: Model | Price", "Columns: ..."), which names no values.
_SHEET_HEADER = re.compile(r"^(Sheet [^:|]+|Columns):")
_NAMED_CELL = re.compile(r"^[^:|]{1,60}: \S")


def is_pipe_line(line: str) -> bool:
    """A markdown table line as written in the file ("| Day | Where |", "|---|---|"): a header or rule line once read.

    The loaders write a table's rows as cells that name their columns
    (:func:`is_table_row`); the raw header and rule lines stay as they were.
    """
    return line.lstrip().startswith("|")


def is_table_row(line: str) -> bool:
    """A table or sheet row as the loaders write it: "Plan: Plus | Storage: 100 GB" (cells that name their column).

    A row is one span whatever its punctuation: it is cited as one row, and
    its cells mean something only beside their column names.
    """
    t = line.strip()
    if " | " not in t or _SHEET_HEADER.match(t):
        return False
    return any(_NAMED_CELL.match(cell) for cell in t.split(" | "))


def sentence_spans(chunk: Chunk) -> list[Span]:
    """Split a chunk into sentences; each keeps its exact line numbers.

    A sentence hard-wrapped over several lines (README text at 80 columns) is
    one span over those lines, its text the exact slice of the chunk (line
    breaks included), so a quote is never a half sentence.
    """
    spans: list[Span] = []
    offset = chunk.start_char
    line = chunk.start_line
    for run in _wrapped_runs(split_lines(chunk.text)):  # "\n" only, as the loader numbered them
        text = "".join(run)
        at = 0
        for piece in ([text] if is_table_row(text) else split_sentences(text)):
            body = piece.strip()
            if len(body) > 1:
                lead = len(piece) - len(piece.lstrip())
                first = line + text.count("\n", 0, at + lead)
                spans.append(Span(chunk, body, first, first + body.count("\n"), offset + at + lead))
            at += len(piece)
        offset += len(text)
        line += len(run)
    return spans


# A line this long that stops mid-sentence was wrapped; a shorter one before a
# capitalised line is a headline ("Xiaomi accelerates its EV ambitions").
# Wrapped prose fills most of an 72-80 column editor line.
_WRAPPED = 60
_BREAK = re.compile(r"^\s*([-*+•>#|=~^]|```|\d+[.)]\s|\.\. |\$ |>>>)|^\s{4,}\S|^\s*$")


def continues_on(prev: str, ln: str) -> bool:
    """Whether ``prev`` ends mid-sentence and its sentence goes on in ``ln`` (hard-wrapped prose).

    The one rule for a wrapped line: the sentence splitter joins such lines
    into one span, and the heading reader (:mod:`assistant.headings`) takes
    no such line for a heading.
    """
    return bool(prev.strip() and not _BREAK.match(prev) and not _BREAK.match(ln) and not _title(prev)
                and not is_table_row(prev) and not is_table_row(ln)
                and not prev.rstrip().endswith((".", "!", "?", ":", ";")) and ln.strip()
                and (not ln.lstrip()[:1].isupper() or len(prev.strip()) >= _WRAPPED))


def _wrapped_runs(lines: list[str]) -> list[list[str]]:
    """Group lines into runs: a line that ends mid-sentence continues on the next prose line."""
    runs: list[list[str]] = []
    for ln in lines:
        if runs and continues_on(runs[-1][-1], ln):
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _title(line: str) -> bool:
    """A title-case line ("Previous Post Next Post", "The Road Ahead"): a heading, not wrapped prose."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return 0 < len(words) <= 14 and sum(w[0].islower() for w in words) / len(words) <= 0.25
