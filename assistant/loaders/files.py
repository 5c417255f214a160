"""Reading files safely: bounded, regular files only, and finding them in a folder.

Reading is bounded: a file is read in blocks and abandoned as soon as it
passes ``max_bytes``, so a huge (or growing) file never sits in memory whole;
only regular files are opened, so a FIFO or device named ``x.txt`` can never
block or flood ingest.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

_BLOCK = 1 << 20


class SkipFile(Exception):
    """A file that cannot be indexed; the message is the reason shown to users."""


def file_hash(path: Path) -> str:
    """SHA-256 of a regular file, read in blocks so huge files never sit in memory whole.

    Raises :class:`SkipFile` for anything that is not a readable regular file.
    """
    h = hashlib.sha256()
    with _open_regular(path) as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            h.update(block)
    return h.hexdigest()


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
