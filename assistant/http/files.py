"""The corpus over HTTP, as the UI's Documents tab handles it: list, upload, delete, re-index.

Uploads go through the UI's own name, type and size checks
(:func:`assistant.ui.uploads.save_upload`) and are indexed at once;
deleting moves the file to the corpus's hidden ``.removed/`` folder, as the
UI does. Corpus changes from the UI and the API share one lock.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from ..types import IngestReport
from ..ui.uploads import retire, save_upload, safe_name
from .errors import ApiError

# Room for the multipart framing and the form's other fields around the file itself.
_FORM_OVERHEAD = 64 * 1024


def _file_object(source: str, chunks: int, created: float | None, size: int, status: str = "processed", details: str = "") -> dict:
    # OpenAI's File object, plus `chunks`; status "error" carries the skip reason in status_details.
    return {"id": source, "object": "file", "filename": source, "bytes": size, "created_at": int(created or 0),
            "purpose": "assistants", "status": status, "status_details": details or None, "chunks": chunks}


def router(ctx) -> APIRouter:
    """The corpus routes over the shared state ``ctx`` (a ``ui.callbacks.Context``)."""
    r = APIRouter()

    def size_of(source: str) -> int:
        p = Path(ctx.settings.corpus_dir) / source
        return p.stat().st_size if p.is_file() else 0

    def reindex() -> IngestReport:
        with ctx.corpus_lock:
            report = ctx.bot.ingest()
        ctx.skipped = list(report.skipped)
        return report

    @r.get("/v1/files")
    def list_files(after: str | None = None, limit: int = Query(10_000, ge=1, le=10_000)) -> dict:
        data = [_file_object(f.source, f.chunks, f.indexed_at, size_of(f.source)) for f in ctx.bot.file_details()]
        data += [_file_object(s.source, 0, None, size_of(s.source), "error", s.reason) for s in ctx.skipped]
        # Cursor paging as OpenAI's: clients follow `after` until has_more is false.
        ids = [d["id"] for d in data]
        start = ids.index(after) + 1 if after in ids else (len(ids) if after else 0)
        page = data[start:start + limit]
        return {"object": "list", "data": page, "has_more": start + limit < len(data),
                "first_id": page[0]["id"] if page else None, "last_id": page[-1]["id"] if page else None}

    def too_large(name: str) -> ApiError:
        return ApiError(413, f"{name} is too large (over the {ctx.settings.max_file_mb:g} MB limit).", "file_too_large")

    @r.post("/v1/files")
    async def upload(request: Request) -> dict:
        # The form is parsed here, not by FastAPI, so that a body declared too large is refused unread.
        limit = int(ctx.settings.max_file_mb * 1_000_000)
        if int(request.headers.get("content-length") or 0) > limit + _FORM_OVERHEAD:
            raise too_large("The upload")
        form = await request.form(max_files=1, max_fields=8)  # `purpose`, which OpenAI clients send, is ignored
        try:
            file = form.get("file")
            if not isinstance(file, StarletteUploadFile):
                raise ApiError(400, "Invalid request: the multipart field `file` must hold a file.", "invalid_request")
            if (file.size or 0) > limit:
                raise too_large(repr(file.filename))
            return await run_in_threadpool(store, file)
        finally:
            await form.close()  # removes the spooled copy

    def store(file: StarletteUploadFile) -> dict:
        safe_name(file.filename or "")  # the UI's name check, before anything is written
        with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
            path = Path(tmp) / "upload.bin"
            with path.open("wb") as out:
                shutil.copyfileobj(file.file, out)
            with ctx.corpus_lock:
                saved = save_upload(ctx.settings.corpus_dir, path, file.filename or "", ctx.settings.max_file_mb)
        report = reindex()
        result = next((f for f in report.files if f.source == saved.source), None)
        indexed = next((f for f in ctx.bot.file_details() if f.source == saved.source), None)
        if indexed is None or (result is not None and result.status == "skipped"):
            reason = result.reason if result is not None else "not indexed"
            obj = _file_object(saved.source, 0, None, size_of(saved.source), "error", reason)
        else:
            obj = _file_object(saved.source, indexed.chunks, indexed.indexed_at, size_of(saved.source))
        return {**obj, "replaced": saved.replaced, "ingest": report.to_dict()}

    @r.delete("/v1/files/{name:path}")
    def delete(name: str) -> dict:
        with ctx.corpus_lock:
            removed = ctx.bot.remove(name)
            moved = retire(ctx.settings.corpus_dir, name)
        if not removed and moved is None:
            raise ApiError(404, f"No file named {name!r} is in the index or the corpus folder.", "file_not_found")
        ctx.skipped = [s for s in ctx.skipped if s.source != name]
        return {"id": name, "object": "file", "deleted": True, "chunks_removed": removed}

    @r.post("/v1/reindex")
    def reindex_route() -> dict:
        return reindex().to_dict()

    return r
