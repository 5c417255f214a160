"""What a sentence is about beyond its own words: the headings above it, and the question it answers.

In a changelog the item "A crash on empty CSV files." belongs to the version
in the heading above it; in a transcript "We moved to RouteWise two years
ago." answers the interviewer's line before it; in a README "Press q to quit."
sits under the tool's name. The ranker and the gate read a sentence together
with its scope, so a question that names the version, the tool or the
customer finds the sentence that answers it.

Ingest records, with each chunk, the headings in force where it starts
(:func:`assistant.headings.with_headings`), so a chunk that starts inside a section still knows
which; the rest is read from the chunk's own lines.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .answer_types import DATE, candidates, expected_type
from .boilerplate import LIST_ITEM, asks, display_text, line_of
from .headings import PLAIN_LEVEL, heading_lines, heading_text, title_like
from .loaders import split_lines
from .spans import Span
from .text import terms

# A sentence of at most this many words, on a line of at most twice that, is
# also read under its scope (support.py) and may be shown with its headings:
# the median sentence of our calibration corpora runs about 20 words, and
# list items, field lines and transcript turns fall well under it. A short
# sentence inside a long paragraph has its paragraph around it already.
SCOPED_MAX_WORDS = 12


def reads_alone(span: Span) -> bool:
    """A short sentence that says little without its scope: a list item, a field line, a transcript turn, an FAQ answer."""
    if len(span.text.split()) > SCOPED_MAX_WORDS:
        return False
    return len(line_of(span).split()) <= 2 * SCOPED_MAX_WORDS or _scope(span)[0] is not None


def scope_lines(span: Span, with_title: bool = True) -> list[str]:
    """The lines that scope ``span``: the question it answers, its headings (nearest first), the document's title."""
    asked, headings, title = _scope(span)
    out = ([asked] if asked else []) + list(headings)
    if with_title and title and title not in out:
        out.append(title)
    return out


def section_label(question: str, span: Span) -> str | None:
    """The headings to show before a short quoted line, when they hold what the question asks and the line lacks.

    "Which release fixed the crash on empty CSV files?" quotes "- A crash on
    empty CSV files."; the release is only in the headings above it, so the
    answer reads "2.3.1 — 2025-07-15 › Fixed: A crash on empty CSV files.".
    A heading that adds nothing the question asks for is left out.

    A list item is labelled whatever its length: it belongs to the section
    above it however long it runs ("- Login session timed out after 15
    minutes even when ... was ticked" is still 3.2.0's fix).
    """
    if not (reads_alone(span) or LIST_ITEM.match(line_of(span))):
        return None
    _, headings, _ = _scope(span)
    headings = [h for h in headings if not asks(h)]  # "How do I ...?" is the question, not a section to name
    if not headings:
        return None
    said = set(terms(span.text))
    wanted = set(terms(question)) - said
    qtype = expected_type(question)
    typed = qtype == DATE and not candidates(span.text, qtype, question)  # a date heading: a changelog's release, a log's day
    versioned = bool(_ASKS_VERSION.search(question)) and not _HAS_VERSION.search(span.text)  # "which release ...?"
    if any(wanted & set(terms(h)) or (typed and candidates(h, qtype, question)) or (versioned and _HAS_VERSION.search(h))
           for h in headings):
        return " › ".join(reversed(headings))
    return None


# "Which release moved SMS reminders onto their own queue?" asks for the
# version in the heading above the item, though no heading word is asked.
_ASKS_VERSION = re.compile(r"\b(which|what|in which|in what) (app |web |mobile )?(version|release)\b", re.I)
_HAS_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)*\b")


def question_line(span: Span) -> str | None:
    """The question-shaped line right before ``span``'s line, which it answers (an FAQ, a transcript), or None."""
    return _scope(span)[0]


def quoted(question: str, span: Span) -> str:
    """A span as the answer quotes it: its display text, after its headings when they hold what was asked."""
    label = section_label(question, span)
    text = display_text(span)
    if not label:
        return text
    item = LIST_ITEM.match(text)
    return f"{label}: {text[item.end() - 1:] if item else text}"


# Scoring, the gate and composition all ask for the same sentences' scope in
# one answer: read each span's lines once (spans are frozen, hashable values).
@lru_cache(maxsize=4096)
def _scope(span: Span) -> tuple[str | None, tuple[str, ...], str]:
    """The question line before ``span`` (or None), its headings nearest first, and the document's title ("" if none)."""
    c = span.chunk
    lines = split_lines(c.text)
    at = span.start_line - c.start_line
    if not 0 <= at < len(lines):
        return None, (), ""
    before = next((k for k in range(at - 1, -1, -1) if lines[k].strip()), None)
    asked = lines[before].strip() if before is not None and asks(lines[before]) else None
    title, heads = _split_heads(c.heads)
    if c.start_line == 1 and at > 0 and title_like(lines[0]):
        title = lines[0]
    above = heads + lines[:at]
    level = PLAIN_LEVEL + 1
    headings: list[str] = []
    for k, depth in reversed(heading_lines(above)):  # nearest first: one heading of each shallower level
        if depth < level:
            headings.append(heading_text(above[k]))
            level = depth
    title = heading_text(title) if title else ""
    return asked, tuple(h for h in headings if h != title), title  # the title is the whole document's scope, not a section's


def paragraph(span: Span) -> str:
    """The lines of the chunk that hold ``span`` (a paragraph, in most text files), read with its scope.

    Every line of a sentence hard-wrapped over several: "... will take a" /
    "domain name argument and perform a conversion to ASCII ..." names ASCII.
    """
    c = span.chunk
    at = span.start_char - c.start_char
    end = c.text.find("\n", at + len(span.text))
    lines = c.text[c.text.rfind("\n", 0, at) + 1 : end if end >= 0 else len(c.text)]
    return " ".join([lines.replace("\n", " ")] + scope_lines(span))


def _split_heads(heads: str) -> tuple[str, list[str]]:
    if not heads:
        return "", []
    first, *rest = heads.split("\n")
    return first, rest
