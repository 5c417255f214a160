"""The reference model: an OpenAI-compatible server on loopback that answers from a dataset.

``POST /v1/chat/completions`` (plain JSON or SSE) and ``GET /v1/models``. It
reads the question and the numbered passages from the user turn the engine
builds (``prompts.USER_TEMPLATE``), finds the dataset item, and replies with
its reference answer cited sentence by sentence, or with the refusal line
where the passages do not hold the answer. In ``corrupt`` mode it plants one
error of the kind set on :attr:`ReferenceServer.kind` and records it per item
in :attr:`ReferenceServer.plants`, so the scorer knows what to look for.

>>> with ReferenceServer(items) as srv:                                   # doctest: +SKIP
...     bot = bot.with_settings(backend="openai", openai_base_url=srv.url, openai_model=MODEL)
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .corrupt import Plant, plant
from .dataset import EvalItem
from .. import prompts
from .refanswer import find_item, parse_prompt, reference_answer, render

MODEL = "reference-model"


class ReferenceServer(ThreadingHTTPServer):
    """Serve a dataset's reference answers; ``mode`` is "faithful" or "corrupt" (with ``kind``)."""

    daemon_threads = True

    def __init__(self, items: list[EvalItem], names: list[str] = (), mode: str = "faithful", kind: str = ""):
        self.items, self.names = list(items), list(names)
        self.mode, self.kind = mode, kind
        self.plants: dict[str, Plant | None] = {}  # item id -> the error planted in its last answer
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)  # loopback only, any free port
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/v1"

    def __enter__(self) -> "ReferenceServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()

    def set_mode(self, mode: str, kind: str = "") -> None:
        with self.lock:
            self.mode, self.kind = mode, kind
            self.plants.clear()

    def reply(self, user: str) -> str:
        """The model's reply to one user turn."""
        question, passages = parse_prompt(user)
        item = find_item(question, self.items, passages)
        said = reference_answer(item, passages) if item else None
        with self.lock:
            mode, kind = self.mode, self.kind
            if item and mode == "corrupt":
                self.plants[item.id] = p = plant(kind, said, passages, self.names) if said else None
                if p:
                    said = p.said
        return render(said) if said else prompts.REFUSAL


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, msg: str) -> None:
        self._send(code, json.dumps({"error": {"message": msg, "type": "invalid_request_error"}}).encode())

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "evals"}]}).encode())
        else:
            self._error(404, f"no route {self.path}")

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self._error(404, f"no route {self.path}")
        try:
            body = json.loads(raw)
            user = next(m["content"] for m in reversed(body["messages"]) if m.get("role") == "user")
        except (ValueError, KeyError, StopIteration, TypeError):
            return self._error(400, "expected {\"messages\": [..., {\"role\": \"user\", \"content\": ...}]}")
        if isinstance(user, list):  # content parts
            user = "".join(p.get("text", "") for p in user if isinstance(p, dict))
        text = self.server.reply(user)  # type: ignore[attr-defined]
        base = {"id": "chatcmpl-ref", "created": int(time.time()), "model": body.get("model") or MODEL}
        if not body.get("stream"):
            msg = {**base, "object": "chat.completion",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}
            return self._send(200, json.dumps(msg).encode())
        words = [w + " " for w in text.split(" ")]
        words[-1] = words[-1][:-1]
        events = [{**base, "object": "chat.completion.chunk",
                   "choices": [{"index": 0, "delta": {"role": "assistant", "content": w}, "finish_reason": None}]} for w in words]
        events.append({**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send(200, sse.encode(), "text/event-stream")
