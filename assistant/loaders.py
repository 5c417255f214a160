"""Turn files into text lines, or say exactly why a file is skipped.

Supported: .txt, .md (as is), .html/.htm (visible text only) and .pdf (text
layer). Line numbers in citations refer to the text these loaders return: for
.txt and .md that is the file itself.
"""
from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

TEXT_TYPES = {".txt", ".md", ".markdown"}
HTML_TYPES = {".html", ".htm"}
PDF_TYPES = {".pdf"}
SUPPORTED = TEXT_TYPES | HTML_TYPES | PDF_TYPES
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class SkipFile(Exception):
    """A file that cannot be indexed; the message is the reason shown to users."""


@dataclass
class LoadedFile:
    source: str  # relative to the corpus root, forward slashes
    lines: list[str]  # with line endings kept
    file_hash: str  # sha256 of the raw bytes


def file_hash(path: Path) -> str:
    """SHA-256 of a file, read in blocks so huge files never sit in memory whole."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(path: Path, source: str, max_bytes: int) -> LoadedFile:
    """Load one file as text lines, or raise :class:`SkipFile` with a reason."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise SkipFile(f"unsupported file type '{ext or path.name}' (supported: {', '.join(sorted(SUPPORTED))})")
    try:
        size = path.stat().st_size
        if size == 0:
            raise SkipFile("empty file")
        if size > max_bytes:
            raise SkipFile(f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit; raise max_file_mb)")
        raw = path.read_bytes()
    except PermissionError:
        raise SkipFile("permission denied (make the file readable)") from None
    except FileNotFoundError:
        raise SkipFile("file disappeared while indexing") from None
    except IsADirectoryError:
        raise SkipFile("not a regular file") from None
    except OSError as e:
        raise SkipFile(f"cannot read file ({e.strerror or e})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if ext in PDF_TYPES:
        text = _pdf_text(raw)
    else:
        text = decode_text(raw)
        if ext in HTML_TYPES:
            text = html_text(text)
    if not text.strip():
        raise SkipFile("no text content" if ext not in PDF_TYPES else "PDF has no text layer (scanned? run OCR first)")
    return LoadedFile(source=source, lines=text.splitlines(keepends=True), file_hash=digest)


def decode_text(raw: bytes) -> str:
    """Decode bytes as UTF-8 (or a BOM-marked UTF-16/32), refusing binary data."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                raise SkipFile(f"undecodable text: broken {enc.upper()} (re-save the file as UTF-8)") from None
    if b"\x00" in raw[:8192]:
        raise SkipFile("binary file (not text)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SkipFile(f"undecodable text: not valid UTF-8 at byte {e.start} (re-save the file as UTF-8)") from None
    # Control characters other than whitespace mark binary data dressed as text.
    sample = text[:8192]
    if sample and sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f\v") > len(sample) * 0.1:
        raise SkipFile("binary file (not text)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_text(html: str) -> str:
    """Visible text of an HTML page: no tags, scripts, styles or comments."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    lines = (ln.strip() for ln in soup.get_text("\n").splitlines())
    return "\n".join(ln for ln in lines if ln) + "\n"


def _pdf_text(raw: bytes) -> str:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns loudly on odd files
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise SkipFile("encrypted PDF (remove the password first)")
        pages = [(p.extract_text() or "").strip() for p in reader.pages]
    except SkipFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, OSError) as e:
        raise SkipFile(f"corrupt PDF ({type(e).__name__}: {str(e)[:80]})") from None
    return "\n\n".join(p for p in pages if p) + "\n"


def discover(root: Path) -> list[tuple[Path, str]]:
    """Every file under ``root`` as (path, source name), sorted, following no symlink loops.

    Hidden files and folders are ignored.
    """
    found: list[tuple[Path, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:  # a symlink loop, or a folder linked twice
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            found.append((p, p.relative_to(root).as_posix()))
    return found
