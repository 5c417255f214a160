"""Word (.docx): paragraphs in order, headings kept as headings, tables as rows."""
from __future__ import annotations

import io
import re

from .files import SkipFile
from .located import Builder, one_line
from .package import check_container, open_error
from .pdf import IMAGES_ONLY
from .sheets import row_line

_HEADING = re.compile(r"heading (\d)", re.I)
# Header and footer text that says nothing about the content: page numbers,
# "Confidential", copyright lines, dates. Such text repeats on every page.
_BOILERPLATE = re.compile(
    r"^(page\s*\d*(\s*(of|/)\s*\d+)?|\d+(\s*(of|/)\s*\d+)?|confidential.*|internal( use)?( only)?|draft|"
    r"(©|\(c\)|copyright).*|all rights reserved\.?|[\d./ -]{6,10})$",
    re.I,
)


def load_docx(raw: bytes) -> Builder:
    """Body paragraphs at ``{"section": heading, "paragraph": n}``, table rows at ``{..., "table": t, "row": r}``."""
    import docx
    from docx.table import Table

    check_container(raw, ".docx")
    try:
        doc = docx.Document(io.BytesIO(raw))
        out = Builder()
        section, para, table = "", 0, 0
        body_text: set[str] = set()
        for block in doc.iter_inner_content():
            if isinstance(block, Table):
                table += 1
                for r, line in enumerate(_table_lines(block), start=1):
                    out.add(line, {"section": section, "table": table, "row": r})
                continue
            text = block.text.strip()
            if not text:
                continue
            para += 1
            body_text.add(one_line(text))
            level = _heading_level(block)
            if level:
                section = one_line(text)
                text = "#" * level + " " + section
            out.add(text, {"section": section, "paragraph": para})
        for where, text in _headers_footers(doc, body_text):
            out.add(text, {"section": where})
        has_images = bool(doc.inline_shapes)
    except SkipFile:
        raise
    except Exception as e:  # a library fed a hostile file can raise anything
        raise open_error(e, ".docx") from None
    if not out.has_text:
        raise SkipFile(IMAGES_ONLY if has_images else "no text content")
    return out


def _heading_level(p) -> int:
    name = (p.style.name if p.style is not None else "") or ""
    if name.lower() == "title":
        return 1
    m = _HEADING.match(name)
    return int(m.group(1)) if m else 0


def _table_lines(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(one_line(cell.text))
        rows.append(cells)
    if not rows:
        return []
    header = rows[0]
    return [" | ".join(c for c in header if c)] + [row_line(header, r) for r in rows[1:]]


def _headers_footers(doc, body_text: set[str]) -> list[tuple[str, str]]:
    """Header and footer lines that are not boilerplate: not page numbers, not repeated, not in the body."""
    seen: dict[str, int] = {}
    found: list[tuple[str, str]] = []
    for sec in doc.sections:
        for where, part in (("header", sec.header), ("footer", sec.footer), ("header", sec.first_page_header),
                            ("footer", sec.first_page_footer), ("header", sec.even_page_header), ("footer", sec.even_page_footer)):
            if part.is_linked_to_previous:
                continue
            for p in part.paragraphs:
                text = one_line(p.text)
                if text:
                    seen[text] = seen.get(text, 0) + 1
                    found.append((where, text))
    return [(w, t) for w, t in found if seen[t] == 1 and t not in body_text and not _BOILERPLATE.match(t)]
