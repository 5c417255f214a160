"""What a chat request may carry, and how its messages become a question and a history."""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import ApiError


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, our own extension on echoed replies...

    role: str
    content: str | list[dict[str, Any]] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatRequest(BaseModel):
    """``POST /v1/chat/completions``. Sampling fields (temperature, max_tokens, ...) are accepted and ignored:
    the server's settings decide them, so every client gets the same checked answer."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    sources_footer: bool = True  # our extension: False leaves the "Sources:" lines out of `content`


def text_of(content: str | list[dict[str, Any]] | None) -> str:
    """The text of a message: a string, or the text parts of a content list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "\n".join(str(p.get("text", "")) for p in content if p.get("type") == "text")


def question_and_history(messages: list[Message]) -> tuple[str, list[dict]]:
    """The last user message, and the user and assistant turns before it.

    System messages are dropped: the assistant's own prompt is what keeps its
    answers to the documents. Our "Sources:" footers are cut from earlier
    replies so the follow-up rewriting sees the answers, not file names.
    """
    last = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].role == "user"), None)
    if last is None:
        raise ApiError(400, "Invalid request: messages holds no user message to answer.", "invalid_request")
    question = text_of(messages[last].content).strip()
    if not question:
        raise ApiError(400, "The question (the last user message) is empty.", "empty_question")
    history = [
        {"role": m.role, "content": strip_footer(text_of(m.content))}
        for m in messages[:last]
        if m.role in ("user", "assistant")
    ]
    return question, history


FOOTER_TITLE = "Sources:"
CLOSEST_TITLE = "Closest passages, not an answer:"
_FOOTER = re.compile(
    r"\n+(?:" + re.escape(FOOTER_TITLE) + r"\n(?:\[\d+\][^\n]*(?:\n|$))+"
    + r"|" + re.escape(CLOSEST_TITLE) + r"\n(?:- [^\n]*(?:\n|$))+)\s*\Z"
)


def strip_footer(text: str) -> str:
    """``text`` without a trailing footer ("Sources:" or closest passages) from :func:`assistant.http.replies.footer`."""
    return _FOOTER.sub("", text)
