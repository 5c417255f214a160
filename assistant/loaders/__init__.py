"""Turn files into text lines (and where each line sits), or say exactly why a file is skipped.

Supported: .txt, .md (as is, except that a pipe-table row names its
columns), .html/.htm (visible text only, a table row on one line naming its
columns), .pdf (text
layer, page by page), .docx, .pptx, .xlsx/.xlsm (read only; macros never run)
and .csv. Line numbers in citations refer to the text these loaders return:
for .txt and .md that is the file itself (a Markdown table's body row reads
"Total storage | Free: 2 GB | Plus: 100 GB", on its own line), with lines split at "\\n" (after
CRLF and CR are normalised), as editors count them. The other formats also
give each line a locator (page, slide, sheet and row, section) that
citations show instead.

Legacy binary .doc, .ppt and .xls files are named with a reason (save them in
the new format) rather than as "unsupported".
"""
from __future__ import annotations

from pathlib import Path

from .files import SkipFile, discover, file_hash, read_capped, source_name
from .located import LoadedFile
from .markdown import bind_table_rows
from .package import LEGACY, legacy_reason
from .sheets import DEFAULT_MAX_ROWS
from .text import decode_text, html_text, plain_letters, split_lines

MARKDOWN_TYPES = {".md", ".markdown"}
TEXT_TYPES = {".txt"} | MARKDOWN_TYPES
HTML_TYPES = {".html", ".htm"}
PDF_TYPES = {".pdf"}
OFFICE_TYPES = {".docx", ".pptx", ".xlsx", ".xlsm"}
CSV_TYPES = {".csv"}
SUPPORTED = TEXT_TYPES | HTML_TYPES | PDF_TYPES | OFFICE_TYPES | CSV_TYPES

# How files are read into lines. An index built by another reader is read
# again once (ingest compares it with what the index records), since an
# unchanged file would otherwise keep its old text. Since session 12 the
# reader's code and libraries are fingerprinted (assistant/reader.py), so a
# change to them needs no bump; the history below names what each version
# changed. 2: Markdown and HTML
# table rows name their columns. 3: chunks record the headings in force where
# they start (assistant/scope.py). 4: sentences (and so chunk boundaries) no
# longer end at "Mr." or "St.", and do end where scraped text glued two
# together ("Southampton.Canadian"; assistant/sentences.py); text that was
# UTF-8 read once as Latin-1 ("BeyoncÃ©") is repaired, ligatures ("ﬁ") are
# spelled out, and merged HTML table cells name every row they cover
# (loaders/text.py).
READER_VERSION = 4

__all__ = ["READER_VERSION", "SUPPORTED", "LEGACY", "LoadedFile", "SkipFile", "decode_text", "discover", "file_hash", "html_text", "load",
           "read_capped", "source_name", "split_lines"]


def load(path: Path, source: str, max_bytes: int, max_rows: int = DEFAULT_MAX_ROWS) -> LoadedFile:
    """Load one file as text lines (with locators where the format has pages, slides or sheets).

    Raises :class:`SkipFile` with the reason. ``max_rows`` caps the rows read
    from a spreadsheet or CSV; the rest are left out and counted in ``notes``.
    """
    ext = path.suffix.lower()
    if ext in LEGACY:
        raise SkipFile(legacy_reason(ext))
    if ext not in SUPPORTED:
        raise SkipFile(f"unsupported file type '{ext or path.name}' (supported: {', '.join(sorted(SUPPORTED))})")
    raw, digest = read_capped(path, max_bytes)
    if not raw:
        raise SkipFile("empty file")
    if ext in TEXT_TYPES | HTML_TYPES:
        notes: list[str] = []
        text = decode_text(raw, notes)
        del raw  # the decoded text is all we keep
        if ext in HTML_TYPES:
            text = html_text(text)
        if not text.strip():
            raise SkipFile("no text content")
        lines = split_lines(text)
        if ext in MARKDOWN_TYPES:
            lines = bind_table_rows(lines)
        return LoadedFile(source=source, lines=lines, file_hash=digest, notes=notes)
    loaded = _located(raw, ext, max_rows).loaded(source, digest, hard_breaks=ext not in PDF_TYPES)
    loaded.lines = [plain_letters(line) for line in loaded.lines]
    return loaded


def _located(raw: bytes, ext: str, max_rows: int):
    # Imported per format: a text-only corpus never loads the Office libraries.
    if ext in PDF_TYPES:
        from .pdf import load_pdf

        return load_pdf(raw)
    if ext == ".docx":
        from .word import load_docx

        return load_docx(raw)
    if ext == ".pptx":
        from .slides import load_pptx

        return load_pptx(raw)
    if ext in CSV_TYPES:
        from .sheets import load_csv

        return load_csv(raw, max_rows)
    from .sheets import load_xlsx

    return load_xlsx(raw, ext, max_rows)
