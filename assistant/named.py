"""Prefer the sentence that names exactly what the question names: a version number, a table row's key cells.

Sentence embeddings read "2.3.0" and "2.4.0", or the rows "Plan: Plus | ..."
and "Plan: Team | ...", as nearly the same; the question's exact words tell
them apart.
"""
from __future__ import annotations

import re

from .answer_types import fold, versions_named
from .scope import scope_lines
from .spans import is_table_row
from .support import ScoredSpan

TOP = 8  # look among the top 8 candidates, as compose does for added sentences (compose.EXTRA_RANK)


def versions_first(question: str, pool: list[ScoredSpan]) -> list[ScoredSpan]:
    """A lead that is not about the version asked ("When was 2.4.0 released?") gives way to one, among the top sentences, that is.

    Sentence embeddings barely tell "2.3.0" from "2.4.0", so the closest line
    may belong to another release; its own line or headings must name the version.
    """
    asked = versions_named(question)
    if not asked or not pool or _names_all(pool[0], asked):
        return pool
    better = next((s for s in pool[1:TOP] if _names_all(s, asked)), None)
    return pool if better is None else [better] + [s for s in pool if s is not better]


def _names_all(s: ScoredSpan, words: set[str]) -> bool:
    text = " ".join([s.span.text] + scope_lines(s.span, with_title=False)).lower()
    return all(w in text for w in words)


def rows_the_question_names(question: str, chosen: list[ScoredSpan], top: list[ScoredSpan]) -> list[ScoredSpan]:
    """A chosen table row gives way to a row of the same file, among the top sentences, whose cells the question names more of.

    Rows of one table read alike ("Plan: Plus | Support: Email ...", "Plan:
    Team | Support: Live chat ..."), so closeness barely tells them apart;
    the row for "the Team plan" is the one with a cell "Team", whether the
    question writes it with a capital or not. Only short cells and column
    names count: a long statement in a cell is prose, which the ranker reads.
    """
    asked = " " + " ".join(re.findall(r"\w+", fold(question))) + " "
    out: list[ScoredSpan] = []
    for c in chosen:
        if is_table_row(c.span.text):
            rows = [s for s in top if s.span.chunk.source == c.span.chunk.source and is_table_row(s.span.text)
                    and s not in chosen and s not in out]
            best = max(rows, key=lambda s: cells_named(s.span.text, asked), default=None)
            if best is not None and cells_named(best.span.text, asked) > cells_named(c.span.text, asked):
                c = best
        out.append(c)
    return out


MAX_KEY_WORDS = 3  # a cell or column name this short is a key ("Team", "Version history"), not prose


def cells_named(row: str, asked: str) -> int:
    """How many of a row's short cells and column names the question says (``asked``: folded words, space-padded)."""
    keys = set()
    for cell in row.split(" | "):
        for part in cell.split(": ", 1):
            words = re.findall(r"\w+", fold(part))
            if 0 < len(words) <= MAX_KEY_WORDS:
                keys.add(" ".join(words))
    return sum(f" {k} " in asked for k in keys)
