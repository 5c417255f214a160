"""Run a sentence-transformers model's transformer under ONNX Runtime.

On our 2 CPU cores ONNX Runtime embeds one question in about 3 ms where
PyTorch takes about 9 ms, and a batch of short sentences (the refusal gate's
scoring) about 1.4 times as fast. PyTorch stays faster on large batches of
long chunks (ingest), so the caller picks per call; both give the same
vectors to within 1e-6.

Only the transformer runs under ONNX Runtime. Tokenizing (with the model's
prompts) and every module after the transformer (pooling, dense layers,
normalisation) are the model's own sentence-transformers modules, so the
vector is the one ``encode`` gives.

The exported graph is cached on disk, keyed by the weights and the library
versions that produced it, and written atomically so that processes starting
together neither clash nor read half a file.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxUnavailable(Exception):
    """This model cannot run under ONNX Runtime here; the message says why."""


class OnnxEncoder:
    """The transformer of a loaded ``SentenceTransformer``, exported and run by ONNX Runtime."""

    def __init__(self, model, cache_dir: Path, threads: int | None = None):
        self.model = model
        first = model[0]
        auto = getattr(first, "auto_model", None)
        if auto is None or not hasattr(auto, "config"):
            raise OnnxUnavailable(f"its first module ({type(first).__name__}) is not a Hugging Face transformer")
        if getattr(auto.config, "is_encoder_decoder", False):
            raise OnnxUnavailable("encoder-decoder models are not exported")
        self._auto = auto
        self._after = list(model)[1:]
        self._path = cache_dir / f"{_key(model, auto)}.onnx"
        self._session = self._open(threads)
        self.inputs = [i.name for i in self._session.get_inputs()]

    def embed(self, texts: list[str], prompt: str | None = None) -> np.ndarray:
        """Sentence embeddings of ``texts`` (rows, float32), as the model's ``encode`` gives them."""
        import torch

        features = self.model.preprocess(texts, prompt=prompt)
        feeds = {name: features[name].numpy().astype(np.int64, copy=False) for name in self.inputs}
        (tokens,) = self._session.run(["last_hidden_state"], feeds)
        features["token_embeddings"] = torch.from_numpy(tokens)
        with torch.inference_mode():
            for module in self._after:  # pooling, dense, normalize: the model's own
                features = module(features)
        return features["sentence_embedding"].float().numpy()

    # -- export and load ----------------------------------------------------
    def _open(self, threads: int | None):
        try:
            import onnxruntime as ort
        except ImportError:
            raise OnnxUnavailable("onnxruntime is not installed (pip install onnxruntime)") from None
        import torch

        opts = ort.SessionOptions()
        # As many threads as PyTorch uses (it honours OMP_NUM_THREADS); ONNX
        # Runtime's own guess of the physical cores was slower on our VMs.
        opts.intra_op_num_threads = threads or torch.get_num_threads()
        # No busy-waiting between calls: spinning threads took the cores from
        # PyTorch (ingest batches, and the same process's other work), which
        # then ran three times slower; not spinning costs ~0.3 ms a call.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3  # its warnings about unused initialisers are noise here
        for attempt in (1, 2):
            if not self._path.is_file():
                self._export()
            try:
                return ort.InferenceSession(str(self._path), opts, providers=["CPUExecutionProvider"])
            except Exception as e:  # a truncated or foreign file: export once more
                if attempt == 2:
                    raise OnnxUnavailable(f"ONNX Runtime cannot load {self._path} ({_short(e)})") from None
                log.warning("Re-exporting %s: %s", self._path, _short(e))
                self._path.unlink(missing_ok=True)
        raise AssertionError("unreachable")

    def _export(self) -> None:
        import torch

        try:
            import onnx  # noqa: F401  (torch's exporter needs it)
        except ImportError:
            raise OnnxUnavailable("the onnx package is not installed (pip install onnx)") from None
        # Two lengths, so the traced graph has seen a padded batch.
        sample = self.model.preprocess(["a sample sentence to trace", "and a second, longer one, so that the batch holds padding"])
        names = [n for n in _INPUTS if n in sample]
        if "input_ids" not in names or "attention_mask" not in names:
            raise OnnxUnavailable("its tokenizer gives no input_ids/attention_mask")
        wrapper = _last_hidden(self._auto, names).eval()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        _sweep(self._path.parent)
        fd, tmp = tempfile.mkstemp(suffix=".onnx.tmp", dir=self._path.parent)
        os.close(fd)
        try:
            with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
                # The tracer warns about Python branches on shapes; the ones in
                # BERT-style encoders are fixed for self-attention, and the tests
                # compare padded and truncated batches with encode().
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    wrapper, tuple(sample[n] for n in names), tmp,
                    input_names=names, output_names=["last_hidden_state"],
                    dynamic_axes={n: {0: "batch", 1: "tokens"} for n in (*names, "last_hidden_state")},
                    opset_version=17, dynamo=False,
                )
            os.replace(tmp, self._path)  # atomic: a reader sees no file or a whole one
        except OnnxUnavailable:
            raise
        except Exception as e:
            raise OnnxUnavailable(f"export failed ({_short(e)})") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
        log.info("Exported the embedding model to %s", self._path)


def _last_hidden(auto, names: list[str]):
    """A torch module for the exporter: positional inputs in ``names`` order, token embeddings out.

    Built here rather than at module level so that importing this module needs no torch.
    """
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.auto = auto

        def forward(self, *tensors):
            return self.auto(**dict(zip(names, tensors))).last_hidden_state

    return LastHidden()


def _key(model, auto) -> str:
    """Name of the cached graph: model name plus a hash of weights and exporter versions."""
    import torch
    import transformers

    h = hashlib.sha256()
    src = Path(getattr(auto, "name_or_path", "") or getattr(auto.config, "_name_or_path", ""))
    h.update(str(src.resolve() if src.exists() else src).encode())
    if src.is_dir():  # a changed file in place changes the key
        for f in sorted(src.rglob("*")):
            if f.suffix in {".safetensors", ".bin", ".json"}:
                st = f.stat()
                h.update(f"{f.relative_to(src)}:{st.st_size}:{st.st_mtime_ns}".encode())
    else:  # loaded by name: hash the parameters' shapes and a sample of their values
        for name, p in list(auto.state_dict().items())[:8]:
            h.update(f"{name}{tuple(p.shape)}{float(p.float().sum()):.6e}".encode())
    h.update(f"torch {torch.__version__} transformers {transformers.__version__}".encode())
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in src.name or "model")[:60]
    return f"{stem}-{h.hexdigest()[:16]}"


def _sweep(folder: Path, older_than_s: float = 3600) -> None:
    """Remove half-written exports left by processes that ended mid-export."""
    import time

    for tmp in folder.glob("*.onnx.tmp"):
        try:
            if time.time() - tmp.stat().st_mtime > older_than_s:
                tmp.unlink()
        except OSError:
            pass  # another process got there first


def default_cache_dir() -> Path:
    """Where exported graphs go when the ``cache_dir`` setting is empty: the user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "doc-assistant"


def _short(e: Any) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:160]
