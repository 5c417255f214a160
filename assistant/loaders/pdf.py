"""PDF: the text layer, page by page, so every line knows its page."""
from __future__ import annotations

import io
import logging

from .files import SkipFile
from .located import Builder

IMAGES_ONLY = "no text (images only; OCR is not included)"


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
            text = page.extract_text() or ""
            k = 0
            out.new_unit()
            for ln in text.split("\n"):
                if ln.strip():
                    k += 1
                    out.add(ln, {"page": p, "line": k})
            if not k:
                images += _image_count(page)
    except SkipFile:
        raise
    except Exception as e:  # a parser fed hostile bytes can raise anything; one bad PDF must not stop ingest
        raise SkipFile(f"corrupt PDF ({type(e).__name__}: {str(e)[:80]})") from None
    if not out.has_text:
        raise SkipFile(IMAGES_ONLY if images else "no text layer (an empty or scanned PDF; OCR is not included)")
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
