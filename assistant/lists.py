"""Whole lists and procedures in an extractive answer.

A list question answered by some items of a bulleted list quotes the list; a
sentence ending in a colon brings the steps or items that follow it; a list
sentence followed by "Additionally, ..." brings that sentence too.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .boilerplate import LIST_ITEM, is_fence, is_heading, line_of
from .spans import is_pipe_line, is_table_row
from .support import ScoredSpan

MAX_LIST_LINES = 10  # steps after a colon: a long how-to still reads as one answer
# A sentence opening like this carries on the one before it ("Additionally, ...", "These could include ...").
_CONTINUES = re.compile(r"^(these|such|additionally|moreover|also|furthermore|in addition|other)\b", re.I)


def with_continuations(chosen: list[ScoredSpan], ordered: list[ScoredSpan]) -> list[ScoredSpan]:
    """A list sentence followed in its paragraph by "Additionally, ..." or "These could include ..." brings that one too."""
    out: list[ScoredSpan] = []
    taken = {(c.span.chunk.source, c.span.start_char) for c in chosen}
    for c in chosen:
        out.append(c)
        after = sorted((o for o in ordered if o.span.chunk.source == c.span.chunk.source and o.span.start_line == c.span.start_line
                        and o.span.start_char > c.span.start_char), key=lambda o: o.span.start_char)
        if after and _CONTINUES.match(after[0].span.text) and (after[0].span.chunk.source, after[0].span.start_char) not in taken:
            out.append(after[0])
            taken.add((after[0].span.chunk.source, after[0].span.start_char))
    return out


# A bullet, not a number: numbered lines are steps of a procedure, which a
# "which ..." question rarely asks for whole (a colon lead brings them when it does).
_BULLET = re.compile(r"^\s*[-*•+]\s+\S")


def whole_list(chosen: list[ScoredSpan]) -> list[ScoredSpan]:
    """Two or more items of one bulleted list, or rows of one table, answer a list question: the answer quotes them all.

    "Which formats can I export to?" ranks three of the four export formats
    first; the fourth is the line between them.
    """
    first_item = next((c for c in chosen if _is_item(line_of(c.span))), None)
    if first_item is None:
        return chosen
    c = first_item.span.chunk
    rows = is_table_row(line_of(first_item.span))
    items = [x for x in chosen if x.span.chunk is c and _is_item(line_of(x.span)) and is_table_row(line_of(x.span)) == rows]
    if len(items) < 2:
        return chosen
    lines = c.text.split("\n")
    first, last = (min(i.span.start_line for i in items) - c.start_line, max(i.span.end_line for i in items) - c.start_line)
    same = is_table_row if rows else (lambda ln: bool(_BULLET.match(ln)))
    if any(not same(ln) for ln in lines[first : last + 1] if ln.strip()):
        return chosen  # items of two lists, or a list with prose between: quote them as they are
    while first > 0 and same(lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and same(lines[last + 1]) and last - first + 1 < MAX_LIST_LINES:
        last += 1
    a = sum(len(ln) + 1 for ln in lines[:first])
    b = sum(len(ln) + 1 for ln in lines[: last + 1]) - 1
    block = replace(items[0].span, text=c.text[a:b], start_line=c.start_line + first, end_line=c.start_line + last,
                    start_char=c.start_char + a)
    whole = replace(items[0], span=block)
    return [whole if x is items[0] else x for x in chosen if x is items[0] or x not in items]


def table_rows(chosen: list[ScoredSpan], pool: list[ScoredSpan]) -> list[ScoredSpan]:
    """A list question whose best sentences hold two or more rows of one table, none of them chosen, takes the best two.

    "What apps and file types can I import notes from?" ranks two rows of
    the import page's table among its best eight, below a lead that only
    says notes can be imported; :func:`whole_list` then quotes every row.
    """
    if any(is_table_row(line_of(c.span)) for c in chosen):
        return chosen
    rows = [s for s in pool if is_table_row(line_of(s.span))]
    same = [s for s in rows if s.span.chunk is rows[0].span.chunk]
    return chosen + same[:2] if len(same) >= 2 else chosen


def _is_item(line: str) -> bool:
    return bool(_BULLET.match(line)) or is_table_row(line)


def with_list(s: ScoredSpan, ordered: list[ScoredSpan]) -> ScoredSpan:
    """A sentence ending in ':' extended over the list, steps or table rows that follow it in its chunk."""
    if not s.span.text.rstrip().endswith(":"):
        return s
    c = s.span.chunk
    follow = sorted(
        (o.span for o in ordered if o.span.chunk.source == c.source and o.span.start_char > s.span.start_char
         and c.start_char <= o.span.start_char < c.end_char),
        key=lambda sp: sp.start_char,
    )
    last = s.span
    fenced = False  # inside a fenced code block ("Install it with:" then the command): every line belongs
    begun = False  # a list has begun: prose after a blank line is the next paragraph, not the list
    for sp in follow[:MAX_LIST_LINES]:
        fence = is_fence(sp.text)
        line = line_of(sp)
        if not begun and is_pipe_line(line) and sp.start_line <= last.end_line + 2:
            last = sp  # a table's header or rule line ("| Day | Where |", "|---|---|"): the rows are the list
            continue
        item = bool(LIST_ITEM.match(line)) or is_table_row(line)
        if sp.start_line > last.end_line + 2 or (not fenced and not fence and (
                (is_heading(sp) and not item) or (begun and not item and sp.start_line > last.end_line + 1))):
            break
        begun |= item
        fenced ^= fence
        last = sp
        if fence and not fenced:  # the block has closed: the command is the answer's end
            break
    if last is s.span:
        return s
    a = s.span.start_char - c.start_char
    b = last.start_char - c.start_char + len(last.text)
    block = replace(s.span, text=c.text[a:b], end_line=last.end_line)
    return replace(s, span=block)


_STEP = re.compile(r"^\s*\d+[.)]\s+\S")  # "3. Turn on Available offline."


def procedure_lead(chosen: list[ScoredSpan], ordered: list[ScoredSpan]) -> list[ScoredSpan]:
    """A lead that is one numbered step gives way to the sentence that introduces its steps ("..., follow these steps:").

    "How do I export a notebook to PDF?" is closest to step 4, "Select PDF
    ... and click Export."; quoted alone it skips opening the notebook and
    the menu. The colon lead then brings every step (:func:`with_list`).
    """
    lead = chosen[0]
    if not _STEP.match(line_of(lead.span)):
        return chosen
    at = lead.span.start_char
    before = sorted((o for o in ordered if o.span.chunk.source == lead.span.chunk.source and o.span.start_char < at),
                    key=lambda o: -o.span.start_char)
    for k, o in enumerate(before):
        if _STEP.match(line_of(o.span)):
            continue  # an earlier step of the same procedure
        # Overlapping chunks share sentences: the intro's own chunk must reach the lead, or its quote would stop short.
        if k < MAX_LIST_LINES and o.span.text.rstrip().endswith(":") and o.span.chunk.end_char > at:
            return [o] + [x for x in chosen[1:] if x is not o]
        break
    return chosen
