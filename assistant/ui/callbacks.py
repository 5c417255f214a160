"""What the UI's buttons do, as plain functions (no Gradio imports, testable without a browser).

Each takes the shared :class:`Context` and the tab's :class:`Session` and
returns plain values (HTML strings, message lists). Errors never escape:
an :class:`AssistantError` becomes its one-line ``user_message()`` and
anything else a short "unexpected error" line, so the UI never shows a
traceback or a spinner that never stops.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import AssistantError, SettingsError
from ..settings import BACKENDS
from ..types import FileResult, IngestReport
from . import render
from .session import BotPool, Session, Turn
from .uploads import REMOVED_DIR, retire, save_upload

log = logging.getLogger(__name__)
BUNDLED_MODEL = "bundled: Gemma 3 270M (Q4_K_M)"
NO_MODEL = "none: answers quote the documents"
ChatUpdate = tuple[list[dict], Session, str]  # chatbot messages, session, input box


@dataclass
class Context:
    """What every tab shares: the assistants, the corpus lock, the last re-index's skips."""

    pool: BotPool
    skipped: list[FileResult] = field(default_factory=list)
    corpus_lock: threading.Lock = field(default_factory=threading.Lock)
    # Held for each step of an answer stream. When Stop cancels an answer,
    # Gradio frees the queue slot at once but the step then running (retrieval,
    # a llama.cpp token) still finishes in its thread; a new answer on the same
    # in-process model meanwhile would crash it. Per step, not per answer: a
    # cancelled stream is never resumed, so it must not keep the lock.
    answer_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def bot(self):
        return self.pool.base

    @property
    def settings(self):
        return self.pool.base.settings


# Fixes phrased for the browser where the library's point at the command line.
_UI_FIXES = {
    "empty_index": "add documents in the Documents tab (or put files in the corpus folder and press Re-index).",
    "empty_corpus": "add documents in the Documents tab (or put files in the corpus folder and press Re-index).",
    "llm_unavailable": "start the model server, or pick the extractive backend in the Settings tab.",
    "llm_timeout": "try again, pick a smaller model, or pick the extractive backend in the Settings tab.",
}


def friendly(e: BaseException) -> str:
    """The one line a user sees for an error."""
    if isinstance(e, AssistantError):
        fix = _UI_FIXES.get(e.code)
        return f"{e.message} Fix: {fix}" if fix else e.user_message()
    log.exception("unexpected error in the UI")
    return f"Unexpected error ({type(e).__name__}); the details are in the server log. Fix: try again, or restart the app."


# -- chat -------------------------------------------------------------------------
def respond(ctx: Context, question: str, session: Session) -> Iterator[ChatUpdate]:
    """Ask ``question`` in ``session``: yields the chat after each streamed piece."""
    question = (question or "").strip()
    if not question:
        yield session.messages(), session, ""
        return
    history = session.history()
    turn = Turn(question)
    session.turns.append(turn)
    yield session.messages(), session, ""
    try:
        stream = ctx.pool.get(session.overrides).stream(question, history)
        deltas = iter(stream)
        while True:
            with ctx.answer_lock:
                delta = next(deltas, None)
                if delta is None:
                    turn.answer = stream.answer
                    break
            if turn.stopped:  # Stop or Clear was pressed: end here, showing what the tab now holds
                break
            turn.text += delta
            yield session.messages(), session, ""
    except Exception as e:  # noqa: BLE001 - every failure becomes a chat message
        turn.error = friendly(e)
    yield session.messages(), session, ""


def retry(ctx: Context, session: Session) -> Iterator[ChatUpdate]:
    """Ask the last question again (after an error, a stop, or to see a new answer)."""
    if not session.turns:
        yield session.messages(), session, ""
        return
    last = session.turns.pop()
    yield from respond(ctx, last.question, session)


def stop(session: Session) -> tuple[list[dict], Session]:
    """Stop the answer being written.

    Cooperative, not a queue cancel: :func:`respond` shares this session
    object and ends after its current step (one token). Gradio's ``cancels``
    would abandon that step mid-flight in its worker thread, and in practice
    left the next answer of the tab hanging.
    """
    if session.turns and not session.turns[-1].done:
        session.turns[-1].stopped = True
    return session.messages(), session


def clear(session: Session) -> tuple[list[dict], Session, str]:
    """Start a new conversation (stopping any answer being written); the tab's settings stay."""
    stop(session)
    session.turns = []  # in place: a running respond() then renders the empty chat too
    return [], session, render.SOURCE_PLACEHOLDER


_REF = re.compile(r"^(\d+):(\d+)(?::\d+)?$")


def show_source(ctx: Context, ref: str, session: Session) -> str:
    """The source panel for a clicked marker; ``ref`` is "turn:n[:nonce]" from the browser."""
    m = _REF.match((ref or "").strip())
    c = session.citation(int(m.group(1)), int(m.group(2))) if m else None
    if c is None:
        return render.SOURCE_PLACEHOLDER
    try:
        ctx_lines = ctx.bot.source_context(c.source, c.start_line, c.end_line, around=4)
    except Exception as e:  # noqa: BLE001 - the stored quote is still worth showing
        return render.source_panel_html(c, note=friendly(e))
    if ctx_lines is None:
        return render.source_panel_html(
            c, note="The file is gone or has changed since it was indexed, so only the cited passage is shown."
        )
    return render.source_panel_html(c, ctx_lines.first_line, ctx_lines.lines, gutter=ctx_lines.gutter)


def example_questions(ctx: Context, n: int = 4) -> list[str]:
    """Questions shown on an empty chat.

    ``.examples.txt`` in the corpus folder (one question per line; hidden, so
    never indexed) wins; otherwise each document's title becomes a question.
    """
    f = Path(ctx.settings.corpus_dir) / ".examples.txt"
    try:
        if f.is_file():
            lines = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines()]
            return [ln for ln in lines if ln and not ln.startswith("#")][:n]
        out = []
        for d in ctx.bot.file_details()[:n]:
            sc = ctx.bot.source_context(d.source, 1, 1, around=5)
            title = next((ln.strip() for ln in (sc.lines if sc else []) if ln.strip()), "")
            if title:
                out.append(f"What is \u201c{_short(title.rstrip('.'))}\u201d about?")
        return out
    except Exception:  # noqa: BLE001 - examples are a nicety; an empty chat still works
        log.debug("no example questions", exc_info=True)
        return []


def _short(s: str, limit: int = 70) -> str:
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "\u2026"


# -- settings ---------------------------------------------------------------------
def effective(ctx: Context, session: Session):
    """The settings the tab's next question will use."""
    return ctx.settings.replace(**session.overrides) if session.overrides else ctx.settings


def model_label(settings, backend: str) -> str:
    """What the model box shows for ``backend``."""
    if backend == "local":
        return settings.llm_model_path or BUNDLED_MODEL
    if backend == "openai":
        return settings.openai_model
    return NO_MODEL


def apply_settings(ctx: Context, session: Session, backend: str, model: str, top_k: Any, check: bool) -> tuple[Session, str]:
    """Apply the settings panel to the tab's next question; returns the session and a status line."""
    changes: dict[str, Any] = {"backend": backend, "top_k": int(top_k or ctx.settings.top_k), "answer_check": bool(check)}
    model = (model or "").strip()
    if backend == "local":
        changes["llm_model_path"] = "" if model in ("", BUNDLED_MODEL) else model
    elif backend == "openai" and model and model != NO_MODEL:
        changes["openai_model"] = model
    try:
        if backend not in BACKENDS:
            raise SettingsError(f"Unknown backend {backend!r}.", fix=f"pick one of {', '.join(BACKENDS)}.")
        if changes.get("llm_model_path") and not Path(changes["llm_model_path"]).is_file():
            raise SettingsError(f"No model file at {changes['llm_model_path']}.", fix="give the path of a .gguf file, or clear the box for the bundled model.")
        new = ctx.settings.replace(**{**session.overrides, **changes})
    except Exception as e:  # noqa: BLE001
        return session, render.notice_html(friendly(e), ok=False)
    session.overrides = {k: v for k, v in new.as_dict().items() if getattr(ctx.settings, k) != v}
    return session, settings_status(ctx, session)


def settings_status(ctx: Context, session: Session) -> str:
    s = effective(ctx, session)
    last = next((t.answer.backend for t in reversed(session.turns) if t.answer is not None), "")
    parts = [
        f"Next question: backend <b>{render.esc(s.backend)}</b>",
        f"model <b>{render.esc(model_label(s, s.backend))}</b>",
        f"top-k <b>{s.top_k}</b>",
        f"answer check <b>{'on' if s.answer_check else 'off'}</b>",
    ]
    line = " \u00b7 ".join(parts)
    if last:
        line += f"<br>Last answer in this tab was produced by {render.backend_badge(last)}"
    return f'<div class="dc-notice dc-ok">{line}</div>'


# -- the corpus -------------------------------------------------------------------
def files_view(ctx: Context) -> tuple[str, list[str]]:
    """The file table and the names a user can remove."""
    try:
        files = ctx.bot.file_details()
    except Exception as e:  # noqa: BLE001
        return render.notice_html(friendly(e), ok=False), []
    names = sorted({f.source for f in files} | {s.source for s in ctx.skipped})
    return render.files_html(files, ctx.skipped), names


def reindex(ctx: Context, progress: Callable[[int, int, str], None] | None = None,
            saved: list[str] = (), rejected: list[str] = ()) -> tuple[str, str, list[str]]:
    """Bring the index in line with the corpus folder; returns table, report, removable names."""
    try:
        with ctx.corpus_lock:
            report: IngestReport | None = ctx.bot.ingest(progress=progress)
        ctx.skipped = list(report.skipped)
        msg = render.report_html(report, saved, rejected)
    except Exception as e:  # noqa: BLE001
        msg = render.report_html(None, saved, [*rejected, friendly(e)])
    table, names = files_view(ctx)
    return table, msg, names


def upload(ctx: Context, paths: list[str] | None, progress: Callable[[int, int, str], None] | None = None) -> tuple[str, str, list[str]]:
    """Save uploaded files into the corpus (rejecting bad names, types and sizes), then re-index."""
    saved, rejected = [], []
    for p in paths or []:
        name = Path(str(p)).name
        try:
            with ctx.corpus_lock:
                got = save_upload(ctx.settings.corpus_dir, p, name, ctx.settings.max_file_mb)
            saved.append(got.source + (" (replaced the old version)" if got.replaced else ""))
        except Exception as e:  # noqa: BLE001
            rejected.append(f"{name}: {friendly(e)}")
    if not saved:
        table, names = files_view(ctx)
        return table, render.report_html(None, saved, rejected or ["No file was uploaded."]), names
    return reindex(ctx, progress, saved, rejected)


def remove(ctx: Context, source: str | None) -> tuple[str, str, list[str]]:
    """Take a file out of the index and out of the corpus folder (kept in ``.removed/``)."""
    if not source:
        table, names = files_view(ctx)
        return table, render.notice_html("Pick a file to remove first.", ok=False), names
    try:
        with ctx.corpus_lock:
            n = ctx.bot.remove(source)
            moved = retire(ctx.settings.corpus_dir, source)
        ctx.skipped = [s for s in ctx.skipped if s.source != source]
        where = f" The file was moved to {REMOVED_DIR}/ in the corpus folder." if moved else ""
        msg = render.notice_html(f"Removed {source} from the index ({n} chunks).{where}")
    except Exception as e:  # noqa: BLE001
        msg = render.notice_html(friendly(e), ok=False)
    table, names = files_view(ctx)
    return table, msg, names
