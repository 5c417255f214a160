"""PDF: the text layer, page by page, so every line knows its page."""
from __future__ import annotations

import io
import logging

from .files import SkipFile
from .located import Builder

IMAGES_ONLY = "no text (images only; OCR is not included)"
# A line at least this share of the page's widest line is a wrapped line of
# running text (headings and list items are shorter); 0.75 keeps a ragged
# right margin wrapped while a two-thirds-width heading stays on its own.
_WRAP_SHARE = 0.75
_SENTENCE_END = (".", "!", "?", ":", ";", "\u201d", '"')


def load_pdf(raw: bytes) -> Builder:
    """Each page's text lines at ``{"page": p, "line": k}``; pages count from 1, empty ones included."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns loudly on odd files
    out = Builder()
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise SkipFile("password-protected PDF (remove the password, then index it again)")
        images = 0
        for p, page in enumerate(reader.pages, start=1):
            out.new_unit()
            lines = _paragraphs(page.extract_text() or "")
            for k, ln in lines:
                out.add(ln, {"page": p, "line": k})
            if not lines:
                images += _image_count(page)
    except SkipFile:
        raise
    except Exception as e:  # a parser fed hostile bytes can raise anything; one bad PDF must not stop ingest
        raise SkipFile(f"corrupt PDF ({type(e).__name__}: {str(e)[:80]})") from None
    if not out.has_text:
        raise SkipFile(IMAGES_ONLY if images else "no text layer (an empty or scanned PDF; OCR is not included)")
    return out


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """A page's text lines as (line number on the page, text), wrapped lines joined back into their sentence.

    A PDF's text layer is laid-out lines, so a sentence (and a figure in it)
    can break across two. A line is joined to the next when it is long (a
    wrap, not a heading) and does not end a sentence; it keeps the number of
    its first line, which is where a reader finds it.
    """
    lines = [(k, ln.strip()) for k, ln in enumerate(text.split("\n"), start=1) if ln.strip()]
    if not lines:
        return []
    wide = max(len(ln) for _, ln in lines)
    out: list[tuple[int, str]] = []
    joinable = False
    for k, ln in lines:
        if joinable and out:
            first, prev = out[-1]
            out[-1] = (first, prev[:-1] + ln if prev.endswith("-") and ln[:1].islower() else f"{prev} {ln}")
        else:
            out.append((k, ln))
        joinable = len(ln) >= _WRAP_SHARE * wide and not ln.endswith(_SENTENCE_END)
    return out


def _opens_without_password(reader) -> bool:
    # Many PDFs are encrypted with an empty user password (only editing is
    # locked); those open in any viewer, so they are read too.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the cryptography package: treat as locked
        return False


def _image_count(page) -> int:
    try:
        return len(page.images)  # names the image objects; nothing is decoded
    except Exception:
        return 0
