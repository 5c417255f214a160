"""``POST /v1/chat/completions`` and ``GET /v1/models``: HTTP in, the shared Assistant's answer out.

No answer logic lives here: the question goes to ``Assistant.stream`` (the
same call the UI, CLI and evals make), and the finished
:class:`~assistant.types.Answer` is only reshaped (:mod:`.replies`).
"""
from __future__ import annotations

from typing import Generator, Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ..types import Answer
from . import replies
from .errors import ApiError, from_exception
from .schemas import ChatRequest, question_and_history


def steps(ctx, bot, question: str, history: list[dict]) -> Generator[str, None, Answer]:
    """The engine's text deltas, each step under the shared answer lock; returns the final Answer.

    Per step, as the UI does (see ``ui.callbacks.Context.answer_lock``): an
    in-process model must never run two steps at once, and a client that
    goes away mid-answer must not keep the lock.
    """
    stream = bot.stream(question, history)
    deltas = iter(stream)
    while True:
        with ctx.answer_lock:
            delta = next(deltas, None)
            if delta is None:
                return stream.answer
        yield delta


def router(ctx) -> APIRouter:
    """The chat routes over the shared state ``ctx`` (a ``ui.callbacks.Context``)."""
    r = APIRouter()

    @r.get("/v1/models")
    def models() -> dict:
        return replies.models_list(ctx.settings)

    @r.post("/v1/chat/completions")
    def chat(req: ChatRequest):
        offered = replies.offered_models(ctx.settings)
        if req.model not in offered:
            raise ApiError(404, f"The model {req.model!r} does not exist here; this server offers {', '.join(offered)}.", "model_not_found")
        question, history = question_and_history(req.messages)
        bot = ctx.pool.get({"backend": req.model})
        run = steps(ctx, bot, question, history)
        if not req.stream:
            return replies.completion(_drain(run), req.model, req.sources_footer)
        # Run up to the first delta here, so that a failure before any text
        # (an empty index, Chroma down) still gets its HTTP status.
        try:
            first = next(run)
        except StopIteration as stop:
            first, run = "", _finished(stop.value)
        include_usage = bool(req.stream_options and req.stream_options.include_usage)
        events = _events(run, first, replies.ChunkWriter(req.model), req.sources_footer, include_usage)
        return StreamingResponse(events, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    return r


def _drain(run: Generator[str, None, Answer]) -> Answer:
    while True:
        try:
            next(run)
        except StopIteration as stop:
            return stop.value


def _finished(ans: Answer) -> Generator[str, None, Answer]:
    return ans
    yield  # a generator that yields nothing and returns ``ans``


def _events(run: Generator[str, None, Answer], first: str, out: replies.ChunkWriter,
            with_footer: bool, include_usage: bool) -> Iterator[str]:
    streamed = first
    try:
        if first:
            yield out.delta(first)
        while True:
            try:
                delta = next(run)
            except StopIteration as stop:
                ans = stop.value
                break
            streamed += delta
            yield out.delta(delta)
    except Exception as e:  # noqa: BLE001 - the status line is sent; the error goes in the stream, OpenAI-style
        yield out.error(from_exception(e).body())
        yield out.done()
        return
    rest = replies.correction(streamed, ans) + (replies.footer(ans) if with_footer else "")
    yield out.last(ans, rest)
    if include_usage:
        yield out.usage(ans)
    yield out.done()
