"""Markdown tables: each body row names its columns, like a spreadsheet row.

A pipe table's row on its own ("| Total storage | 2 GB | 100 GB |") says
nothing about which plan has 100 GB: the plan is in the header, lines above.
Each body row is rewritten in place as ``"Total storage | Free: 2 GB | Plus:
100 GB"`` (:func:`assistant.loaders.sheets.row_line`, the form .csv, .xlsx,
.docx and .pptx rows already take), so a chunk, a sentence and a quote read
on their own. The header and the ``|---|`` line stay as they are, and every
line keeps its number, so citations still point at the file's own lines.
"""
from __future__ import annotations

import re

from .sheets import row_line

# The line under a pipe table's header: "|---|:---:|", "--- | ---".
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`)(.+)\1$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src)


def is_separator(line: str) -> bool:
    """The ``|---|---|`` line under a pipe table's header."""
    return "-" in line and "|" in line and bool(_SEPARATOR.match(line))


def bind_table_rows(lines: list[str]) -> list[str]:
    """The lines with each pipe-table body row naming its columns; the number of lines is unchanged."""
    out = list(lines)
    header: list[str] | None = None
    for i, line in enumerate(lines):
        body = line.rstrip("\n")
        if i > 0 and is_separator(body) and "|" in lines[i - 1]:
            header = [_plain(c) for c in _cells(lines[i - 1].rstrip("\n"))]
            continue
        if header is None:
            continue
        if "|" not in body or not body.strip():
            header = None  # the table ended
            continue
        cells = [_plain(c) for c in _cells(body)]
        bound = row_line(header, cells)
        if bound:
            out[i] = bound + line[len(body):]
    return out


def _cells(row: str) -> list[str]:
    """The cells of one pipe-table row; an escaped ``\\|`` stays inside its cell."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip().replace("\\|", "|") for c in _UNESCAPED_PIPE.split(row)]


def _plain(cell: str) -> str:
    """A cell without link targets or the emphasis around all of it ("**Plus**", "[Plus](/plans)" read "Plus")."""
    cell = _LINK.sub(r"\1", cell).strip()
    m = _EMPHASIS.match(cell)
    return m.group(2).strip() if m else cell
