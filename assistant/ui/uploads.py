"""Put uploaded files into the corpus folder safely, and take them out again.

Only a plain base name survives from the browser: no folders, no ``..``, no
hidden or control characters. A file is written under a hidden temporary name
and renamed into place, so ingest never sees half a file, and it always lands
directly inside the corpus folder.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import UploadRejectedError
from ..loaders import LEGACY, SUPPORTED
from ..loaders.package import legacy_reason

REMOVED_DIR = ".removed"  # hidden, so ingest ignores it; removed files wait here
_UNSAFE = re.compile(r"[^\w.\- ()+,]", re.UNICODE)
_MAX_NAME = 120
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


@dataclass(frozen=True)
class Saved:
    """One upload written into the corpus."""

    source: str  # name relative to the corpus folder
    replaced: bool  # a file of that name was there before


def safe_name(name: str) -> str:
    """A plain file name for an uploaded file's name, or raise :class:`UploadRejectedError`.

    ``../../etc/passwd`` loses its folders (and then fails the type check);
    ``C:\\docs\\a.txt`` becomes ``a.txt``; hidden names lose their leading dots.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name or "")))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # control, format, unassigned
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, ext = os.path.splitext(base)
    if not stem or stem.lower() in _RESERVED:
        raise UploadRejectedError(f"The file name {name!r} is not usable.", fix="rename the file and upload it again.")
    if ext.lower() in LEGACY:
        raise UploadRejectedError(f"{base!r}: {legacy_reason(ext.lower())}.", fix="")
    if ext.lower() not in SUPPORTED:
        kinds = ", ".join(sorted(SUPPORTED))
        raise UploadRejectedError(f"{base!r} is not a supported type (use {kinds}).")
    if len(base) > _MAX_NAME:
        base = stem[: _MAX_NAME - len(ext)].rstrip(" .") + ext
    return base


def save_upload(corpus_dir: Path, tmp_path: str | Path, name: str, max_file_mb: float) -> Saved:
    """Copy the uploaded temp file ``tmp_path`` into ``corpus_dir`` as ``safe_name(name)``."""
    root = Path(corpus_dir).resolve()
    base = safe_name(name)
    size = Path(tmp_path).stat().st_size
    if size > max_file_mb * 1_000_000:
        raise UploadRejectedError(
            f"{base!r} is too large ({size / 1e6:.1f} MB; the limit is {max_file_mb:g} MB).",
            fix="upload a smaller file, or raise max_file_mb in the settings.",
        )
    if size == 0:
        raise UploadRejectedError(f"{base!r} is empty.", fix="upload a file with some text in it.")
    root.mkdir(parents=True, exist_ok=True)
    target = root / base
    if target.resolve().parent != root:  # a symlinked name pointing elsewhere: never follow it
        raise UploadRejectedError(f"{base!r} cannot be written into the corpus folder.", fix="rename the file.")
    replaced = target.exists()
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=root)
    try:
        with os.fdopen(fd, "wb") as out, open(tmp_path, "rb") as src:
            shutil.copyfileobj(src, out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Saved(base, replaced)


def retire(corpus_dir: Path, source: str) -> Path | None:
    """Move ``source`` out of the corpus into its hidden ``.removed`` folder.

    Ingest would index the file again if it stayed, so removing a file from
    the index means taking it out of the folder; moving, not deleting, keeps
    it recoverable. Returns the new path, or None when there was no such file.
    """
    root = Path(corpus_dir).resolve()
    path = root / source
    # Resolve the folder, not the file: a symlinked document is moved as the link.
    if ".." in Path(source).parts or not path.parent.resolve().is_relative_to(root) or not path.is_file():
        return None
    dest = root / REMOVED_DIR / Path(source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, dest)
    return dest
