"""What is never quoted as an answer sentence, and how a quoted span reads.

Headings (short title-case or unpunctuated lines, markdown and rst marks),
bylines, copyright lines, tag lists, markup and everything after a
reader-comments marker are never quoted; a question-shaped line never leads.
"""
from __future__ import annotations

import re

from .loaders.markdown import is_separator
from .spans import Span, is_pipe_line, is_table_row

_BOILER = re.compile(
    r"^(©|\(c\)|copyright\b|all rights reserved|tags?:|filed under|posted (by|on|in)\b|by [A-Z][a-z]+( [A-Z][a-z]+)?$|"
    r"written by\b|author:|share (this|on)\b|leave a (reply|comment)|post a comment|previous post|next post|related (posts|articles)|"
    r"read more\b|click here|subscribe\b|sign up\b|follow us|your email address|required fields|advertisement|"
    r"\[?!\[|<img|<a |\.\. (image|_)|:target:|:alt:|\|[\w ]+\|$)",
    re.I,
)
# A line that opens the reader-comment part of a page: what follows is not the article.
_COMMENTS = re.compile(r"^\s*(reader comments|comments|\d+ (thoughts|comments|responses) on\b|leave a reply|post a comment)", re.I | re.M)
_RULE = re.compile(r"^\s*([=\-~^#*+_.`]{3,}|#{1,6}\s.*)\s*$")  # markdown/rst heading marks and rules
_DATE_LINE = re.compile(r"^[-–•*\s]*\d{1,2} [A-Z][a-z]{2} \d{4}$|^[-–•*]\s*\w+$")  # "- 14 Dec 2024", "- Anonymous"
LIST_ITEM = re.compile(r"^\s*([-*•+]|\d+[.)]|[a-z][.)])\s+\S")
# A line that is only a link to a place on the same page, "- [Parse configuration
# as a stream](#parse-configuration-as-a-stream)": a table of contents entry,
# which names a section and states nothing (a README's contents list was quoted
# as a second answer sentence in our packages calibration family, session 12).
_CONTENTS_ENTRY = re.compile(r"^([-*•+]|\d+[.)])?\s*\[[^\]]*\]\(#[^)]*\)\s*$")


def is_markup_or_byline(line: str) -> bool:
    """A byline, copyright line, tag list, date line, rule, contents entry or other markup: neither content nor a heading."""
    t = line.strip()
    return bool(_BOILER.search(t) or _RULE.match(t) or _DATE_LINE.match(t) or _CONTENTS_ENTRY.match(t) or is_separator(t))


def is_boilerplate(span: Span) -> bool:
    """Headings, bylines, copyright lines, tag lists, markup and reader comments."""
    if is_markup_or_byline(span.text):
        return True
    if is_heading(span):
        return True
    before = span.chunk.text[: max(0, span.start_char - span.chunk.start_char)]
    return bool(_COMMENTS.search(before))


def is_heading(span: Span) -> bool:
    """A short line on its own, in title case or without a verb-like sentence ending."""
    line = line_of(span)
    t = span.text.strip()
    if line.strip() != t or is_table_row(t):  # running text, or a row whose cells name their columns
        return False
    words = re.findall(r"[A-Za-z][\w'’-]*", t)
    if not words or len(words) > 14:
        return False
    if states_something(t):
        return False
    if not t.endswith((".", "!", "?", ":")) and len(words) <= 14:
        return True
    # Title case: names make running text capital-heavy too, so count every
    # lower-case word, small ones included ("in", "at", "the" are rare in headings).
    lower = sum(w[0].islower() for w in words)
    return len(words) >= 2 and lower / len(words) <= 0.25


# "Attendees: Priya Raman (chair), Tomasz Nowak": a field line, a label and what it says.
_FIELD = re.compile(r"^[A-Z][\w ]{0,30}: (?P<value>\S.*)$")
MIN_ITEM_WORDS = 3  # "- Home", "- About us" are a menu; "- Priya: book the venue in Lisbon" says something


def states_something(line: str) -> bool:
    """A list item or a field line that says something, with or without a full stop.

    Meeting notes, changelogs and action lists drop the full stop ("- Tomasz:
    draft the incident review template (due 21 October)"); such a line is
    content, not a heading. A menu item ("- About Us") or a title-case label
    ("Chapter 3: The Road Ahead") still is one.
    """
    item = LIST_ITEM.match(line)
    field = None if item else _FIELD.match(line)
    if not (item or field) or (field and _TITLE_FIELD.match(line)):
        return False
    body = line[item.end() - 1 :] if item else field.group("value")
    said = re.findall(r"[A-Za-z][\w'’-]*", body)
    plain = any(w[0].islower() for w in said) or bool(re.search(r"[\d,]", body))  # not a title-case label
    if field and re.search(r"\d", body):  # "Date: 22 May 2025", "Version: 2.3.0": a field that gives a figure or date
        return True
    return (plain and len(said) >= (MIN_ITEM_WORDS if item else 2)) or bool(field and _NAMED_FIELD.match(line))


# "Subject: we're moving to Brackenhall Works": the title of an email or memo,
# a heading over what follows, not a sentence of it.
_TITLE_FIELD = re.compile(r"^(?:Subject|Re|Title|Topic)\s*:", re.I)


# "Timekeeper: Mateus", "Maintainer: Mateus Fenwright", "Reported by: Yuki
# Brannagh": a role and the name it gives, which meeting notes, READMEs and
# incident reports state this way. The label must name a role (a doer's
# "-er", "-or", "-ee", "-ist", "-ant", "-ent", a "... by", or a meeting's
# own words), so a title-case label such as "Update: New Features" stays a
# heading; the value is a name of up to three words, no small words in it.
_ROLE = r"(?:[A-Z][a-z]*(?:er|or|ee|ist|ant|ent)|[A-Z][a-z]+ by|Notes|Apologies|Attendees|From|To|Cc|Lead|Chair|Contact)"
_NAMED_FIELD = re.compile(rf"^(?!Chapter\b){_ROLE}: (?P<name>(?!(?:The|A|An)\b)[A-Z][\w'’-]*(?: (?!(?:The|Of|And|A|An|In|On|For|To)\b)[A-Z][\w'’-]*){{0,2}})$")


def field_name(line: str) -> str | None:
    """The name a role field gives ("Timekeeper: Mateus" gives "Mateus"), or None: a "who" answer in one word."""
    m = _NAMED_FIELD.match(line.strip())
    return m.group("name") if m else None


def line_of(span: Span) -> str:
    c = span.chunk
    at = span.start_char - c.start_char
    start = c.text.rfind("\n", 0, at) + 1
    end = c.text.find("\n", at)
    return c.text[start : end if end >= 0 else len(c.text)]


def display_text(span: Span) -> str:
    """A span as the answer shows it: hard-wrapped lines joined, list, step and table lines kept apart.

    A pipe table's header and rule lines are left out: each row after them
    names its columns already ("Day: Monday | Where: Online").
    """
    lines = span.text.split("\n")
    rules = {k for k, ln in enumerate(lines) if k and is_separator(ln.strip())}
    lines = [ln for k, ln in enumerate(lines) if k not in rules and k + 1 not in rules] or lines
    out = lines[0]
    fenced = False  # code keeps its lines
    for ln in lines[1:]:
        fence = is_fence(ln)
        kept = fenced or fence or LIST_ITEM.match(ln) or not ln.strip() or is_table_row(ln) or is_pipe_line(ln)
        out += ("\n" + ln) if kept else (" " + ln.strip())
        fenced ^= fence
    return out


def is_question_shaped(span: Span) -> bool:
    """A line that asks rather than answers (an FAQ heading restating the question)."""
    return asks(span.text)


def is_fence(line: str) -> bool:
    """A line that opens or closes a fenced code block (```` ``` ```` or ``~~~``)."""
    return line.lstrip().startswith(("```", "~~~"))


def asks(line: str) -> bool:
    """A line that ends in a question mark, emphasis aside ("**Q: Can I pay by invoice?**")."""
    return line.strip().rstrip("*_ ").endswith("?")
