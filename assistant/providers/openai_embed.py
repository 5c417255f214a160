"""Embeddings from any OpenAI-compatible /embeddings endpoint."""
from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from ..errors import LLMTimeoutError, LLMUnavailableError
from ..settings import Settings


class OpenAICompatEmbedding(BaseEmbedding):
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
