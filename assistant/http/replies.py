"""An :class:`~assistant.types.Answer` in the OpenAI chat shapes, with our extension field.

The extension, ``doc_assistant`` on the message (or on the last chunk's
delta when streaming), is exactly ``Answer.to_dict()``: the same object
``assistant ask --json`` prints. ``content`` is the answer text with its
``[n]`` markers and, unless the request turned it off, a short "Sources:"
footer, so a client that ignores the extension still shows where the
answer comes from.
"""
from __future__ import annotations

import json
import time
import uuid

from ..settings import BACKENDS, Settings
from ..types import Answer
from .schemas import CLOSEST_TITLE, FOOTER_TITLE

EXTENSION = "doc_assistant"
OWNER = "doc-assistant"
# Said before the checked answer when it differs from the streamed draft (see `correction`).
CHECKED_LABEL = "Checked answer: "


def offered_models(settings: Settings) -> list[str]:
    """The backends this server answers with, as model ids; the configured one first.

    ``extractive`` and ``local`` (the bundled model) always work; ``openai``
    is offered when a server for it was configured (a key or a base URL of
    its own), since the default points at api.openai.com without a key.
    """
    default_url = Settings.__dataclass_fields__["openai_base_url"].default
    configured = bool(settings.openai_api_key) or settings.openai_base_url != default_url
    ids = [b for b in BACKENDS if b != "openai" or configured or settings.backend == "openai"]
    return sorted(ids, key=lambda b: b != settings.backend)


def models_list(settings: Settings) -> dict:
    return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": OWNER} for m in offered_models(settings)]}


def _where(c) -> str:
    # A locator in words ("page 7", "sheet Prices, row 12") where the file format has one; else the lines.
    return c.label or (f"line {c.start_line}" if c.start_line == c.end_line else f"lines {c.start_line}-{c.end_line}")


def footer(ans: Answer) -> str:
    """"\\n\\nSources:\\n[1] file.txt, line 12" lines for the answer's citations.

    A refusal has no sources; its closest passages, when it has any, are
    listed under their own title and without numbers, as the CLI and UI
    show them, so that no one reads them as citations.
    """
    if ans.citations:
        return f"\n\n{FOOTER_TITLE}\n" + "\n".join(f"[{c.n}] {c.source}, {_where(c)}" for c in ans.citations)
    if ans.refused and ans.closest:
        return f"\n\n{CLOSEST_TITLE}\n" + "\n".join(f"- {c.source}, {_where(c)}" for c in ans.closest)
    return ""


def _usage(ans: Answer) -> dict:
    return {"prompt_tokens": ans.tokens_in, "completion_tokens": ans.tokens_out, "total_tokens": ans.tokens_in + ans.tokens_out}


def completion(ans: Answer, model: str, with_footer: bool) -> dict:
    """The ``chat.completion`` object for a finished answer."""
    message = {"role": "assistant", "content": ans.text + (footer(ans) if with_footer else ""), EXTENSION: ans.to_dict()}
    return {
        "id": new_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": _usage(ans),
    }


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def correction(streamed: str, ans: Answer) -> str:
    """What to append when the checked answer is not what was streamed.

    The engine streams a model's draft as it is written; the check may then
    renumber its markers or replace it. Deltas cannot be taken back, so the
    checked text follows, labelled, and the footer's numbers match it.
    """
    said, final = " ".join(streamed.split()), " ".join(ans.text.split())
    return "" if said.endswith(final) else f"\n\n{CHECKED_LABEL}{ans.text}"


class ChunkWriter:
    """Server-sent events of ``chat.completion.chunk`` objects for one streamed answer."""

    def __init__(self, model: str):
        self.id = new_id()
        self.created = int(time.time())
        self.model = model
        self._role_sent = False

    def _event(self, choices: list, **extra) -> str:
        body = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model, "choices": choices, **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    def delta(self, text: str) -> str:
        d = {"content": text}
        if not self._role_sent:
            d = {"role": "assistant", **d}
            self._role_sent = True
        return self._event([{"index": 0, "delta": d, "finish_reason": None, "logprobs": None}])

    def last(self, ans: Answer, content: str) -> str:
        """The final chunk: the rest of the content, the extension, ``finish_reason`` "stop"."""
        d = {"content": content, EXTENSION: ans.to_dict()}
        if not self._role_sent:
            d = {"role": "assistant", **d}
            self._role_sent = True
        return self._event([{"index": 0, "delta": d, "finish_reason": "stop", "logprobs": None}])

    def usage(self, ans: Answer) -> str:
        return self._event([], usage=_usage(ans))

    @staticmethod
    def error(body: dict) -> str:
        return f"data: {json.dumps(body)}\n\n"

    @staticmethod
    def done() -> str:
        return "data: [DONE]\n\n"
