"""The textbook llama-index pipeline, run on the same items for comparison.

``SimpleDirectoryReader`` -> default ``SentenceSplitter`` -> ``VectorStoreIndex``
over a throwaway Chroma collection -> ``as_query_engine(similarity_top_k=k)``
with the default response synthesizer. Multi-turn items go through the
textbook ``CondenseQuestionChatEngine`` over that query engine. The embedder
and LLM are passed explicitly (never llama-index's global ``Settings``).

Its "citations" are the source files of the retrieved nodes, which is all a
plain query engine offers. It refuses only when the model says it cannot
answer (or says nothing).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

from ..settings import Settings
from ..tokens import count_tokens, encoding
from .dataset import EvalItem
from .metrics import Cited, Outcome

# The same idea as the answer engine's check for a model that found nothing.
_MODEL_REFUSAL = re.compile(
    r"(couldn'?t|could not|cannot|can'?t|unable to) (find|answer|determine)|"
    r"not (mentioned|stated|provided|specified|given|in the (passages|documents|context))|"
    r"(do not|don'?t|does not|doesn'?t) (know|have (enough )?information|contain|mention|provide)|no information|^empty response$",
    re.I,
)


def baseline_llm(settings: Settings, generator) -> tuple[object, str]:
    """The LLM for the baseline and a note saying which it is.

    The same LLM as ours when ours has one; the extractive backend has none, so
    the baseline gets the bundled local model and the report says so.
    """
    if generator is not None:
        return generator.llm, f"same LLM as ours ({settings.backend})"
    from ..providers.llms import build_generator

    gen = build_generator(settings.replace(backend="local"))
    return gen.llm, "ours is extractive (no LLM); the baseline uses the bundled local Gemma 3 270M"


class Baseline:
    """Builds the textbook index over ``corpus_dir`` in a temp folder; call it per item."""

    def __init__(self, corpus_dir: Path, embedder, llm, k: int):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.corpus_dir = Path(corpus_dir).resolve()
        self.llm = llm
        self.k = k
        self._tmp = tempfile.mkdtemp(prefix="eval-baseline-")
        docs = SimpleDirectoryReader(input_dir=str(self.corpus_dir), recursive=True).load_data()
        nodes = SentenceSplitter().get_nodes_from_documents(docs)
        client = chromadb.PersistentClient(path=self._tmp, settings=ChromaSettings(anonymized_telemetry=False))
        store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("baseline"))
        index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=embedder)
        self.n_nodes = len(nodes)
        self.query_engine = index.as_query_engine(llm=llm, similarity_top_k=k)

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __call__(self, item: EvalItem) -> Outcome:
        from llama_index.core.callbacks import CallbackManager, TokenCountingHandler

        counter = TokenCountingHandler(tokenizer=lambda s: encoding().encode(s, disallowed_special=()))
        saved = self.llm.callback_manager
        self.llm.callback_manager = CallbackManager([counter])
        t0 = time.perf_counter()
        try:
            response = self._ask(item)
        except Exception as e:  # record and go on: one failure must not hide the other items
            return Outcome(text="", error=f"{type(e).__name__}: {str(e)[:200]}", latency=time.perf_counter() - t0)
        finally:
            self.llm.callback_manager = saved
        wall = time.perf_counter() - t0
        text = str(getattr(response, "response", "") or "").strip()
        nodes = list(getattr(response, "source_nodes", []) or [])
        sources = [self._source(n) for n in nodes]
        # Like ours: a short answer that says it found nothing is a refusal.
        refused = not text or (bool(_MODEL_REFUSAL.search(text)) and len(text.split()) < 40)
        return Outcome(
            text=text,
            refused=refused,
            citations=[] if refused else [Cited(s, n.node.get_content(), n.node.get_content()) for s, n in zip(sources, nodes)],
            retrieved=sources,
            latency=wall,
            tokens_in=counter.prompt_llm_token_count,
            tokens_out=counter.completion_llm_token_count or count_tokens(text),
        )

    def _ask(self, item: EvalItem):
        if not item.history:
            return self.query_engine.query(item.query)
        from llama_index.core.chat_engine import CondenseQuestionChatEngine
        from llama_index.core.llms import ChatMessage
        from llama_index.core.memory import ChatMemoryBuffer

        history = [ChatMessage(role=h["role"], content=h["content"]) for h in item.history]
        engine = CondenseQuestionChatEngine.from_defaults(
            query_engine=self.query_engine,
            llm=self.llm,
            memory=ChatMemoryBuffer.from_defaults(chat_history=history, llm=self.llm),
        )
        return engine.chat(item.query)

    def _source(self, node) -> str:
        meta = node.node.metadata or {}
        path = meta.get("file_path")
        if path:
            try:
                return Path(path).resolve().relative_to(self.corpus_dir).as_posix()
            except ValueError:
                pass
        return str(meta.get("file_name", ""))
