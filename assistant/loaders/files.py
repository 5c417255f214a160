"""Turn files into text lines, or say exactly why a file is skipped.

Supported: .txt, .md (as is), .html/.htm (visible text only) and .pdf (text
layer). Line numbers in citations refer to the text these loaders return: for
.txt and .md that is the file itself, with lines split at "\\n" (after CRLF
and CR are normalised), as editors count them.

Reading is bounded: a file is read in blocks and abandoned as soon as it
passes ``max_bytes``, so a huge (or growing) file never sits in memory whole;
only regular files are opened, so a FIFO or device named ``x.txt`` can never
block or flood ingest.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
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
_BLOCK = 1 << 20
_TEXT_CONTROLS = set(b"\t\n\r\f\v\x1b")  # control bytes that do occur in real text


class SkipFile(Exception):
    """A file that cannot be indexed; the message is the reason shown to users."""


@dataclass
class LoadedFile:
    source: str  # relative to the corpus root, forward slashes
    lines: list[str]  # with line endings kept
    file_hash: str  # sha256 of the raw bytes


def file_hash(path: Path) -> str:
    """SHA-256 of a regular file, read in blocks so huge files never sit in memory whole.

    Raises :class:`SkipFile` for anything that is not a readable regular file.
    """
    h = hashlib.sha256()
    with _open_regular(path) as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def load(path: Path, source: str, max_bytes: int) -> LoadedFile:
    """Load one file as text lines, or raise :class:`SkipFile` with a reason."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise SkipFile(f"unsupported file type '{ext or path.name}' (supported: {', '.join(sorted(SUPPORTED))})")
    raw, digest = read_capped(path, max_bytes)
    if not raw:
        raise SkipFile("empty file")
    if ext in PDF_TYPES:
        text = _pdf_text(raw)
    else:
        text = decode_text(raw)
        if ext in HTML_TYPES:
            text = html_text(text)
    del raw  # the decoded text is all we keep
    if not text.strip():
        raise SkipFile("no text content" if ext not in PDF_TYPES else "PDF has no text layer (scanned? run OCR first)")
    return LoadedFile(source=source, lines=split_lines(text), file_hash=digest)


def read_capped(path: Path, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of a regular file and their SHA-256, never reading past ``max_bytes``.

    The size is checked before reading and again while reading, so a file
    that grows after the check still cannot make us hold more than the cap.
    """
    with _open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise SkipFile(_too_large(size, max_bytes))
        h = hashlib.sha256()
        parts: list[bytes] = []
        total = 0
        try:
            for block in iter(lambda: fh.read(_BLOCK), b""):
                total += len(block)
                if total > max_bytes:
                    raise SkipFile(_too_large(total, max_bytes))
                h.update(block)
                parts.append(block)
        except OSError as e:
            raise SkipFile(f"cannot read file ({e.strerror or e})") from None
    return b"".join(parts), h.hexdigest()


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:g} MB limit; raise max_file_mb to index it)"


def _open_regular(path: Path):
    """Open ``path`` for reading if it is a regular file, else raise :class:`SkipFile`.

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a
    writer; the type check on the open descriptor then refuses it.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SkipFile("broken symbolic link" if os.path.islink(path) else "file disappeared while indexing") from None
    except PermissionError:
        if os.path.isdir(path):
            raise SkipFile(_folder_reason(path)) from None
        raise SkipFile("permission denied (make the file readable)") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise SkipFile("symbolic link loop") from None
        raise SkipFile(f"cannot read file ({e.strerror or e})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SkipFile(_folder_reason(path))
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "special"
            raise SkipFile(f"not a regular file ({kind})")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


def _folder_reason(path: Path) -> str:
    try:
        os.listdir(path)
    except OSError as e:
        return f"folder cannot be read ({e.strerror or e}); its files are not indexed"
    return "not a regular file (a folder)"


def decode_text(raw: bytes) -> str:
    """Decode bytes as UTF-8 (or a BOM-marked UTF-16/32), refusing binary data."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return _normalise_newlines(raw.decode(enc))
            except UnicodeDecodeError:
                raise SkipFile(f"undecodable text: broken {enc.upper()} (re-save the file as UTF-8)") from None
    sample = raw[:8192]
    if _utf16_without_bom(sample):
        raise SkipFile("UTF-16 text without a byte-order mark (re-save the file as UTF-8)")
    if b"\x00" in raw or _mostly_controls(sample):
        raise SkipFile("binary file (not text)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SkipFile(f"undecodable text: not valid UTF-8 at byte {e.start} (re-save the file as UTF-8)") from None
    return _normalise_newlines(text)


def _mostly_controls(sample: bytes) -> bool:
    bad = sum(1 for b in sample if (b < 32 or b == 127) and b not in _TEXT_CONTROLS)
    return bool(sample) and bad > len(sample) * 0.1


def _utf16_without_bom(sample: bytes) -> bool:
    # ASCII-range UTF-16 puts a NUL in every other byte; binary formats do not.
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    for zeros, chars in ((odd, even), (even, odd)):
        if zeros.count(0) > 0.9 * len(zeros) and chars.count(0) < 0.1 * len(chars):
            return not _mostly_controls(chars)
    return False


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[str]:
    """Lines ending in "\\n" (kept), as an editor numbers them.

    ``str.splitlines`` would also break at form feeds, U+2028 and other
    separators, which would shift every citation after them.
    """
    lines = text.split("\n")
    out = [ln + "\n" for ln in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


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

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns loudly on odd files
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise SkipFile("encrypted PDF (remove the password first)")
        pages = [(p.extract_text() or "").strip() for p in reader.pages]
    except SkipFile:
        raise
    except Exception as e:  # a parser fed hostile bytes can raise anything; one bad PDF must not stop ingest
        raise SkipFile(f"corrupt PDF ({type(e).__name__}: {str(e)[:80]})") from None
    return "\n\n".join(p for p in pages if p) + "\n"


def discover(root: Path) -> list[tuple[Path, str]]:
    """Every file under ``root`` as (path, source name), sorted, following no symlink loops.

    Hidden files and folders are ignored. A folder that cannot be listed is
    returned as an entry of its own, so ingest reports it instead of silently
    missing its files. Names that are not valid UTF-8 get a source name with
    the bad bytes escaped (``\\xff``), since the store only takes UTF-8.
    """
    found: list[tuple[Path, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    unreadable: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=lambda e: unreadable.append(e.filename)):
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
            found.append((p, source_name(p, root)))
    for d in unreadable:
        p = Path(d)
        if p != Path(root) and not p.name.startswith("."):
            found.append((p, source_name(p, root) + "/"))
    return found


def source_name(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, always valid UTF-8."""
    rel = path.relative_to(root).as_posix()
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:  # undecodable bytes arrive as surrogates from os.walk
        return os.fsencode(rel).decode("utf-8", "backslashreplace")
