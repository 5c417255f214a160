"""Excel (.xlsx, .xlsm) and CSV: one line per row, each naming its columns.

"Model: SU7 | Price: 215,900" keeps a chunk cut from the middle of a sheet
readable. Every sheet is read, hidden ones too (the report says so);
formulas give the value Excel cached when the file was last saved; nothing in
a macro-enabled file ever runs (openpyxl does not execute VBA, and it is not
even loaded).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from .files import SkipFile
from .located import Builder, one_line
from .package import check_container, open_error
from .text import decode_text

# Rows a spreadsheet may hold before the rest is left out (settings.max_sheet_rows
# overrides it). 100k rows of ~100 characters is ~10 MB of text: well inside
# ingest's memory even with the locators.
DEFAULT_MAX_ROWS = 100_000
_DECIMALS = re.compile(r"\.([0#]+)")


def row_line(header: list[str], cells: list[str]) -> str:
    """``"Header: value | ..."`` for a row's non-empty cells; a column without a header keeps its value alone."""
    parts = []
    for i, v in enumerate(cells):
        if v:
            name = header[i] if i < len(header) else ""
            parts.append(f"{name}: {v}" if name and name != v else v)
    return " | ".join(parts)


def load_xlsx(raw: bytes, ext: str, max_rows: int = DEFAULT_MAX_ROWS) -> Builder:
    """Each sheet's rows at ``{"sheet": title, "row": r}`` (the sheet's own row numbers); no chunk spans two sheets."""
    import openpyxl

    check_container(raw, ext)
    out = Builder()
    hidden: list[str] = []
    kept = left = 0
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_vba=False, keep_links=False)
        try:
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    hidden.append(ws.title)
                out.new_unit()
                header: list[str] | None = None
                for row in ws.iter_rows():
                    cells = [c for c in row if getattr(c, "value", None) is not None]
                    if not cells:
                        continue
                    if kept >= max_rows:
                        left += 1
                        continue
                    width = max(c.column for c in cells)
                    values = [""] * width
                    for c in cells:
                        values[c.column - 1] = cell_text(c.value, c.number_format)
                    r = cells[0].row
                    if header is None:
                        # A lone cell above the table is its title; the header is the first row of several cells.
                        if len(cells) > 1:
                            header = values
                        line = f"Sheet {ws.title}{' (hidden)' if ws.title in hidden else ''}: " + " | ".join(v for v in values if v)
                    else:
                        line = row_line(header, values)
                    out.add(line, {"sheet": ws.title, "row": r})
                    kept += 1
        finally:
            wb.close()
    except SkipFile:
        raise
    except Exception as e:  # a library fed a hostile file can raise anything
        raise open_error(e, ext) from None
    if hidden:
        out.notes.append(f"hidden sheet{'s' if len(hidden) > 1 else ''} read: {', '.join(hidden)}")
    if ext == ".xlsm":
        out.notes.append("macro-enabled: its cells are read, its macros are never run")
    _row_limit_note(out, max_rows, left)
    if not out.has_text:
        raise SkipFile("no text content (every sheet is empty)")
    return out


def load_csv(raw: bytes, max_rows: int = DEFAULT_MAX_ROWS) -> Builder:
    """Rows at ``{"row": r}``, the header row being row 1, as a spreadsheet app shows them."""
    out = Builder()
    text = decode_text(raw, out.notes)
    sample = text[:64_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    header: list[str] | None = None
    kept = left = 0
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            values = [one_line(v) for v in row]
            if not any(values):
                continue
            if kept >= max_rows:
                left += 1
                continue
            if header is None:
                header = values
                line = "Columns: " + " | ".join(v for v in values if v)
            else:
                line = row_line(header, values)
            out.add(line, {"row": r})
            kept += 1
    except csv.Error as e:
        raise SkipFile(f"malformed CSV ({str(e)[:80]})") from None
    _row_limit_note(out, max_rows, left)
    if not out.has_text:
        raise SkipFile("no text content")
    return out


def _row_limit_note(out: Builder, max_rows: int, left: int) -> None:
    if left:
        out.notes.append(f"row limit: the first {max_rows:,} rows are indexed, {left:,} more left out (raise max_sheet_rows to index them)")


def cell_text(value, number_format: str = "General") -> str:
    """A cell as its app shows it, roughly: thousands separators and percentages as formatted, dates as ISO."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        fmt = number_format or ""
        m = _DECIMALS.search(fmt)
        decimals = len(m.group(1)) if m else 0
        if "%" in fmt:
            return f"{value * 100:.{decimals}f}%"
        if "#,##0" in fmt:
            return f"{value:,.{decimals}f}"
        if isinstance(value, float):
            return f"{value:.{decimals}f}" if decimals else (str(int(value)) if value.is_integer() else f"{value:.10g}")
        return str(value)
    return one_line(value)
