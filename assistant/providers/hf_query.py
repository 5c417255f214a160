"""A sentence-transformers embedder with a short path for questions and small batches.

``SentenceTransformer.encode`` is built for big batches: it sorts inputs by
length, infers their modality, walks the modules to set eval mode, draws a
progress bar if asked and converts through numpy. For one question that
machinery costs about 1 ms of the embedding on our 2 cores, paid on every
chat turn. The short path runs the model's own modules (tokenizer,
transformer, pooling, any dense layers), so the vector is the one
``encode`` gives.

With an :class:`~assistant.providers.onnx_encoder.OnnxEncoder` attached, the
short path runs the transformer under ONNX Runtime instead, about three times
as fast for one question. Big batches (ingest) keep PyTorch, which is faster
there, in passes of at most ``_BATCH_TOKENS`` padded word pieces, which bounds
an ingest's memory whatever ``embed_batch_size`` is.

Imported only by :func:`assistant.providers.embeddings.build_embedder`,
since llama-index's HuggingFace module pulls in torch.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, List

import numpy as np
import torch
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from pydantic import PrivateAttr

# Padded size, in characters (about 4 per token), up to which a batch takes
# the short path. Measured on 2 cores: ONNX Runtime is ~3x PyTorch for one
# question, ~1.4x for 16 sentences, and 0.86x for 64 chunks of 180 words.
_SHORT_CHARS = 8000
# Padded word pieces per PyTorch forward pass on the long path (ingest): 4
# passages at the model's 256-piece limit, 5 to 6 chunks of 180 tiktoken
# tokens. Small passes keep every buffer under the mmap threshold set in
# embeddings.py, so the heap reuses it: 320 chunks of a 1 MB text file rose
# 114-132 MB above the warm model against 378-410 MB in batches of 64, in
# the same CPU time (2 cores; 4096 rose 230-260 MB; bench/README.md, section 7).
_BATCH_TOKENS = 1024

log = logging.getLogger(__name__)


class QuickQueryEmbedding(HuggingFaceEmbedding):
    """``HuggingFaceEmbedding`` with a short path for questions and small batches."""

    _onnx: Any = PrivateAttr(default=None)
    _loader: Any = PrivateAttr(default=None)

    @classmethod
    def class_name(cls) -> str:
        return "QuickQueryEmbedding"

    def use_onnx(self, encoder) -> None:
        """Run the short path's transformer under ONNX Runtime from now on."""
        self._onnx = encoder

    def use_onnx_when_ready(self, make: Callable[[], Any]) -> None:
        """Build the ONNX encoder with ``make`` in a background thread; PyTorch serves until then.

        Loading the graph takes ~0.3 s (the first export ~5 s): a one-question
        CLI process should not wait for it, and start-up has other work to
        overlap it with. A failure only leaves PyTorch in charge.
        """
        def load() -> None:
            try:
                self._onnx = make()
            except Exception as e:  # noqa: BLE001 - any failure means: stay on PyTorch
                log.info("Embedding with PyTorch only: %s", e)

        # Not a daemon: a process that ends while ONNX Runtime is still loading
        # (an ingest of a few files) would abort inside its C++ code
        # ("terminate called without an active exception"). Exit waits instead.
        self._loader = threading.Thread(target=load, name="onnx-load", daemon=False)
        self._loader.start()

    def ready(self, timeout: float | None = None) -> str:
        """Wait for a background ONNX load (if any) and return :attr:`runtime`."""
        if self._loader is not None:
            self._loader.join(timeout)
        return self.runtime

    @property
    def runtime(self) -> str:
        """``onnx`` or ``torch``: what runs questions and small batches."""
        return "onnx" if self._onnx is not None else "torch"

    def _get_query_embedding(self, query: str) -> List[float]:
        if self._parallel_process:  # a multi-process pool is encode()'s business
            return super()._get_query_embedding(query)
        return self._short([query], "query")[0]

    def _get_text_embedding(self, text: str) -> List[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        if self._parallel_process or not texts:
            return super()._get_text_embeddings(texts)
        if len(texts) * max(map(len, texts)) <= _SHORT_CHARS:
            return self._short(texts, "text")
        out: List[Any] = [None] * len(texts)
        for part in self._token_batches(texts):
            for i, vec in zip(part, super()._get_text_embeddings([texts[i] for i in part])):
                out[i] = vec
        return out

    def _token_batches(self, texts: List[str]) -> List[List[int]]:
        """Indices of ``texts``, longest first, in batches padded to at most ``_BATCH_TOKENS`` word pieces."""
        prompt = (getattr(self._model, "prompts", None) or {}).get("text") or None
        lengths = self._model.preprocess(texts, prompt=prompt)["attention_mask"].sum(dim=1).tolist()
        batches: List[List[int]] = [[]]
        for i in sorted(range(len(texts)), key=lengths.__getitem__, reverse=True):
            part = batches[-1]
            if part and (len(part) + 1) * lengths[part[0]] > _BATCH_TOKENS:  # part[0] is its longest
                batches.append(part := [])
            part.append(i)
        return batches

    def _short(self, texts: List[str], prompt_name: str) -> List[List[float]]:
        from sentence_transformers.util import batch_to_device

        model = self._model
        prompt = (getattr(model, "prompts", None) or {}).get(prompt_name) or None
        if self._onnx is not None:
            # numpy from here on: a torch op would wake PyTorch's thread pool,
            # whose spinning threads then slow ONNX Runtime's next call.
            vecs = self._onnx.embed(texts, prompt=prompt)
        else:
            with torch.inference_mode():
                # The calls encode() makes for one batch, without its sorting,
                # modality checks and conversions.
                features = batch_to_device(model.preprocess(texts, prompt=prompt), model.device)
                vecs = model(features)["sentence_embedding"].float().cpu().numpy()
        dim = getattr(model, "truncate_dim", None)
        if dim:
            vecs = vecs[..., :dim]
        if self.normalize:
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.maximum(norms, 1e-12)  # torch's normalize uses the same floor
        return vecs.astype(np.float32, copy=False).tolist()
