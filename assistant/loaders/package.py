"""Office Open XML files (.docx, .pptx, .xlsx): say why one cannot be opened, in a user's words.

A password-protected Office file is not a zip at all: Office wraps the
encrypted package in an OLE2 compound file, which is also what the legacy
binary formats are. ``olefile`` reads that container's directory, so the two
are told apart without guessing from the name.
"""
from __future__ import annotations

import io
import zipfile

from .files import SkipFile

KINDS = {".docx": "Word document", ".pptx": "PowerPoint presentation", ".xlsx": "Excel workbook", ".xlsm": "Excel workbook"}
LEGACY = {".doc": ".docx", ".ppt": ".pptx", ".xls": ".xlsx"}
_ZIP_MAGIC = b"PK\x03\x04"


def legacy_reason(ext: str) -> str:
    return f"legacy format: save it as {LEGACY[ext]} (in Office or LibreOffice) and index that"


def check_container(raw: bytes, ext: str) -> None:
    """Raise :class:`SkipFile` when ``raw`` cannot be an Office Open XML file of type ``ext``."""
    import olefile

    if raw.startswith(_ZIP_MAGIC):
        return
    if olefile.isOleFile(data=raw):
        try:
            with olefile.OleFileIO(io.BytesIO(raw)) as ole:
                encrypted = ole.exists("EncryptedPackage")
        except Exception:
            encrypted = False
        if encrypted:
            raise SkipFile(f"password-protected {KINDS[ext]} (remove the password, then index it again)")
        old = next(o for o, new in LEGACY.items() if new == ext.replace(".xlsm", ".xlsx"))
        raise SkipFile(f"legacy format (a binary {old} file named {ext}): save it as {LEGACY[old]} and index that")
    raise SkipFile(f"corrupt or truncated {KINDS[ext]} (not a valid {ext} file)")


def open_error(e: Exception, ext: str) -> SkipFile:
    """The reason for an exception a format library raised while opening or reading ``ext``."""
    kind = KINDS[ext]
    msg = str(e)
    if isinstance(e, (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile)) or "Package not found" in msg:
        return SkipFile(f"corrupt or truncated {kind} (not a valid {ext} file)")
    if "content type is" in msg or "no valid workbook part" in msg or "[Content_Types].xml" in msg or isinstance(e, KeyError):
        return SkipFile(f"not a {kind}: a zip archive of another kind named {ext}")
    return SkipFile(f"corrupt {kind} ({type(e).__name__}: {msg[:80]})")
