"""The embedder's short path (ONNX Runtime or PyTorch) against sentence-transformers' encode()."""
from __future__ import annotations

import os

import numpy as np
import pytest

from assistant.errors import SettingsError
from assistant.settings import Settings

QUESTIONS = [
    "When did Xiaomi first show the SU7?",
    "x",
    "",  # an empty question still gets a vector, as encode() gives one
    "Wie viel kostet das Auto? " * 60,  # past the model's 256-token limit: truncated alike
]
# A short-path batch of mixed lengths: padding inside the batch.
BATCH = ["Lei Jun", "The SU7 went on sale in March 2024 at 215,900 yuan.", "Preis? " * 40, "Beijing factory"]


@pytest.fixture(scope="module")
def torch_embedder():
    """The bundled model with the short path on PyTorch."""
    from assistant.providers.embeddings import build_embedder

    emb = build_embedder(Settings.from_mapping({"embed_runtime": "torch"}))
    assert emb.ready() == "torch"
    return emb


@pytest.fixture(params=["onnx", "torch"])
def each_runtime(request, embedder, torch_embedder):
    emb = embedder if request.param == "onnx" else torch_embedder
    assert emb.runtime == request.param  # the default really runs ONNX here, or this tests nothing new
    return emb


def _encode(emb, texts, prompt_name):
    return emb._model.encode(texts, prompt_name=prompt_name, normalize_embeddings=True, show_progress_bar=False)


@pytest.mark.parametrize("question", QUESTIONS, ids=["plain", "one-char", "empty", "over-limit"])
def test_question_vector_is_encodes(each_runtime, question):
    fast = np.array(each_runtime.get_query_embedding(question))
    stock = _encode(each_runtime, [question], "query")[0]
    assert fast.shape == stock.shape == (384,)
    np.testing.assert_allclose(fast, stock, atol=1e-5)
    assert abs(np.linalg.norm(fast) - 1.0) < 1e-5


def test_small_batch_with_padding_is_encodes(each_runtime):
    fast = np.array(each_runtime.get_text_embedding_batch(BATCH))
    np.testing.assert_allclose(fast, _encode(each_runtime, BATCH, "text"), atol=1e-5)


def test_big_batch_takes_the_stock_path_with_the_same_vectors(embedder):
    texts = [f"Chunk {i}: " + "the car maker's plant in Beijing builds the SU7. " * 30 for i in range(8)]
    np.testing.assert_allclose(np.array(embedder.get_text_embedding_batch(texts)), _encode(embedder, texts, "text"), atol=1e-5)


def test_big_batch_is_cut_by_padded_word_pieces(embedder, monkeypatch):
    """Long passages go through PyTorch in passes of at most _BATCH_TOKENS padded pieces, in the caller's order."""
    from assistant.providers import hf_query

    texts = [f"Passage {i}: " + "the plant in Beijing builds the SU7 sedan. " * (4 + 5 * (i % 4)) for i in range(12)]
    monkeypatch.setattr(hf_query, "_BATCH_TOKENS", 600)
    model, seen = embedder._model, []
    real = model.encode

    def encode(batch, **kw):
        seen.append((len(batch), model.preprocess(batch)["attention_mask"].shape[1]))
        return real(batch, **kw)

    monkeypatch.setattr(model, "encode", encode)
    got = np.array(embedder.get_text_embedding_batch(texts))
    monkeypatch.undo()
    assert sum(n for n, _ in seen) == len(texts) and len(seen) > 1
    assert all(n * width <= 600 or n == 1 for n, width in seen)
    np.testing.assert_allclose(got, _encode(embedder, texts, "text"), atol=1e-5)


def test_a_query_prompt_is_applied(each_runtime):
    """A model with a query prompt (e5, bge) gets it on the short path too."""
    model = each_runtime._model
    saved = dict(model.prompts)
    try:
        model.prompts["query"] = "query: "
        fast = np.array(each_runtime.get_query_embedding("price of the car"))
        stock = _encode(each_runtime, ["price of the car"], "query")[0]
        plain = _encode(each_runtime, ["price of the car"], None)[0]
    finally:
        model.prompts.clear()
        model.prompts.update(saved)
    np.testing.assert_allclose(fast, stock, atol=1e-5)
    assert not np.allclose(fast, plain, atol=1e-3)  # the prompt really changed the vector


def test_export_is_cached_and_a_broken_file_is_replaced(embedder, tmp_path):
    from assistant.providers.onnx_encoder import OnnxEncoder

    first = OnnxEncoder(embedder._model, tmp_path)
    (path,) = tmp_path.glob("*.onnx")
    stamp = path.stat().st_mtime_ns
    OnnxEncoder(embedder._model, tmp_path)  # a second process finds the file
    assert path.stat().st_mtime_ns == stamp
    path.write_bytes(b"not a model")  # a truncated or foreign file
    again = OnnxEncoder(embedder._model, tmp_path)
    assert path.stat().st_size > 1_000_000
    np.testing.assert_allclose(again.embed(["Lei Jun"]), first.embed(["Lei Jun"]), atol=1e-6)
    assert not list(tmp_path.glob("*.tmp"))  # no half-written leftovers


def test_onnx_required_but_impossible_names_the_setting(tmp_path):
    from assistant.providers.embeddings import build_embedder

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(SettingsError) as err:
        build_embedder(Settings.from_mapping({"embed_runtime": "onnx", "cache_dir": str(blocker)}))
    assert "embed_runtime" in str(err.value) and "torch" in err.value.fix
    # auto falls back to PyTorch instead of failing
    emb = build_embedder(Settings.from_mapping({"cache_dir": str(blocker)}))
    assert emb.ready(timeout=120) == "torch"
    assert len(emb.get_query_embedding("Lei Jun")) == 384


def test_bad_runtime_setting():
    with pytest.raises(SettingsError, match="embed_runtime"):
        Settings.from_mapping({"embed_runtime": "gpu"})
    assert Settings.load(env={"ASSISTANT_EMBED_RUNTIME": "torch"}, file=None).embed_runtime == "torch"
    assert os.fspath(Settings.from_mapping({"cache_dir": "/tmp/x"}).cache_dir) == "/tmp/x"


def test_a_process_that_exits_while_the_graph_loads_exits_cleanly(tmp_path):
    """The background load must not outlive the interpreter: ONNX Runtime would abort the process."""
    import subprocess
    import sys

    child = (
        "from assistant.settings import Settings\n"
        "from assistant.providers.embeddings import build_embedder\n"
        f"build_embedder(Settings.from_mapping({{'cache_dir': {str(tmp_path)!r}}}))\n"
        "print('built')\n"  # and exit at once, with the export (empty cache) still running
    )
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-1500:]
    assert "built" in out.stdout
    assert list((tmp_path / "onnx").glob("*.onnx")), "the export finished before the process ended"
    assert not list((tmp_path / "onnx").glob("*.tmp"))


@pytest.mark.parametrize("preset", [None, "250"])
def test_openmp_threads_spin_briefly_unless_the_user_chose(preset):
    """A fresh process's embedder asks libgomp for a short spin before torch loads; a user's own setting wins.

    The spin count is what keeps small ingest passes from fighting other
    processes for the cores (bench/README.md, section 7).
    """
    import subprocess
    import sys

    from assistant.providers.embeddings import _OMP_SPIN

    child = (
        "import os, sys\n"
        "from assistant.settings import Settings\n"
        "from assistant.providers.embeddings import build_embedder\n"
        "assert 'torch' not in sys.modules\n"
        "build_embedder(Settings.from_mapping({'embed_runtime': 'torch'}))\n"
        "assert 'torch' in sys.modules\n"
        "print(os.environ.get('GOMP_SPINCOUNT'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    if preset:
        env["GOMP_SPINCOUNT"] = preset
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.strip().splitlines()[-1] == (preset or _OMP_SPIN)
