"""Ingest writes in bounded rounds, within a file too; a kill between rounds is finished by the next run.

Real embedded Chroma in a tmp dir; a fake embedder that hashes text (vectors
do not matter here) records each round's size and can die on a given round.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import assistant.ingest as ingest_module
from assistant.chunking import chunk_lines
from assistant.ingest import ingest
from assistant.loaders import load
from assistant.settings import Settings
from assistant.store import Store, make_client

FLUSH_AT = 8


class _Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs."""


class RecordingEmbedder:
    def __init__(self, die_on_call: int | None = None):
        self.batches: list[int] = []
        self.die_on_call = die_on_call

    def get_text_embedding_batch(self, texts, **kw):
        if self.die_on_call is not None and len(self.batches) + 1 == self.die_on_call:
            raise _Killed()
        self.batches.append(len(texts))
        return [self._v(t) for t in texts]

    @staticmethod
    def _v(text: str) -> list[float]:
        h = hashlib.sha256(text.encode()).digest()
        v = [h[i % 32] / 255.0 - 0.5 + i * 1e-4 for i in range(384)]
        n = sum(x * x for x in v) ** 0.5
        return [x / n for x in v]


def _doc(lines: int, version: int) -> str:
    # Chunks of 24 tokens hold one of these lines each: one chunk a line.
    return "".join(f"Unit {j} of the plant passed check {j} in round {version}.\n" for j in range(lines))


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "_FLUSH_AT", FLUSH_AT)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    s = Settings().replace(corpus_dir=corpus, index_dir=tmp_path / "index", chunk_tokens=24, chunk_overlap=0)
    return s, corpus


def _store(s: Settings) -> Store:
    return Store(make_client(s), s.collection, "local:test", 384)


def _expected(s: Settings, path: Path) -> set[str]:
    lf = load(path, path.name, 10**9)
    return {c.id for c in chunk_lines(lf.lines, path.name, lf.file_hash, s.chunk_tokens, s.chunk_overlap)}


def _complete(store: Store) -> dict[str, set[str]]:
    return {src: {h for h, ids in e["ids"].items() if len(ids) == e["n_chunks"][h]} for src, e in store.manifest().items()}


def test_a_big_file_is_written_in_bounded_rounds_and_a_kill_between_them_is_finished(setup):
    s, corpus = setup
    (corpus / "big.txt").write_text(_doc(30, 1))
    (corpus / "small.txt").write_text(_doc(3, 1))
    store = _store(s)
    emb = RecordingEmbedder()
    ingest(s, store, emb)
    assert sum(emb.batches) == 33 and max(emb.batches) <= FLUSH_AT
    assert len(emb.batches) >= 30 // FLUSH_AT, "the big file must take several rounds"
    old_ids = _expected(s, corpus / "big.txt")
    old_hash = load(corpus / "big.txt", "big.txt", 10**9).file_hash
    assert len(old_ids) == 30

    # The big file changes (31 chunks); the run dies on its second round, inside the file.
    (corpus / "big.txt").write_text(_doc(31, 2))
    new_ids = _expected(s, corpus / "big.txt")
    with pytest.raises(_Killed):
        ingest(s, _store(s), RecordingEmbedder(die_on_call=2))
    store = _store(s)
    stored = {c.id for c in store.all_chunks()}
    assert old_ids <= stored, "the old version must survive until the new one is complete"
    assert 0 < len(stored & new_ids) < len(new_ids)
    assert _complete(store)["big.txt"] == {old_hash}

    # The next run finishes the new version, then drops the old one.
    emb = RecordingEmbedder()
    report = ingest(s, store, emb)
    assert {f.source: f.status for f in report.files} == {"big.txt": "changed", "small.txt": "unchanged"}
    assert max(emb.batches) <= FLUSH_AT
    stored = [c.id for c in store.all_chunks()]
    assert len(stored) == len(set(stored)) == store.count()
    assert set(stored) == new_ids | _expected(s, corpus / "small.txt")
    assert ingest(s, store, RecordingEmbedder()).count("unchanged") == 2


def test_stale_ids_of_a_finished_file_go_before_the_run_ends(setup):
    """A changed file's old chunks are deleted once its new ones are all written, not held to the end."""
    s, corpus = setup
    (corpus / "a.txt").write_text(_doc(12, 1))
    for i in range(3):
        (corpus / f"z{i}.txt").write_text(_doc(5, 1))
    ingest(s, _store(s), RecordingEmbedder())
    old_a = _expected(s, corpus / "a.txt")
    (corpus / "a.txt").write_text(_doc(12, 2))
    for i in range(3):
        (corpus / f"z{i}.txt").write_text(_doc(5, 2))
    # a.txt's 12 new chunks fill one round and half the next; z0..z2 add 15 more.
    # Rounds: [a 8], [a 4 + z0 4], [z0 1 + z1 5 + z2 2], then z2's last 3: die there.
    with pytest.raises(_Killed):
        ingest(s, _store(s), RecordingEmbedder(die_on_call=4))
    stored = {c.id for c in _store(s).all_chunks()}
    assert not old_a & stored, "a.txt's old version outlived its complete new one"
    assert _expected(s, corpus / "a.txt") <= stored
