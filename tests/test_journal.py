"""The write journal on a real embedded Chroma: marks, generations and the sweep of dead writers' marks."""
from __future__ import annotations

import time

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant import journal
from assistant.journal import WriteJournal


@pytest.fixture
def client(tmp_path):
    return chromadb.PersistentClient(path=str(tmp_path / "index"), settings=ChromaSettings(anonymized_telemetry=False))


def test_a_write_changes_the_generation_and_leaves_no_mark(client):
    j = WriteJournal(client, "docs")
    gen0, marks0 = j.state()
    with j.writing():
        gen, marks = WriteJournal(client, "docs").state()  # as another process sees it mid-write
        assert len(marks) == 1 and gen == gen0
    gen1, marks1 = j.state()
    assert gen1 != gen0 and marks1 == marks0 == ()


def test_a_failed_write_keeps_its_mark_until_the_next_good_one(client):
    j = WriteJournal(client, "docs")
    with pytest.raises(RuntimeError):
        with j.writing():
            raise RuntimeError("disk full")
    gen, marks = j.state()
    assert len(marks) == 1, "readers must keep counting: the failed write may have left rows"
    with j.writing():
        pass
    assert j.state()[1] == () and j.state()[0] != gen


def test_a_dead_writers_old_mark_is_swept(client, monkeypatch):
    dead = WriteJournal(client, "docs")
    monkeypatch.setattr(time, "time", lambda real=time.time: real() - journal._STALE_S - 60)
    dead.col.upsert(ids=["busy:dead"], embeddings=[[0.0]], metadatas=[{"since": time.time()}])
    monkeypatch.undo()
    fresh = WriteJournal(client, "docs")
    fresh.col.upsert(ids=["busy:alive"], embeddings=[[0.0]], metadatas=[{"since": time.time()}])
    with WriteJournal(client, "docs").writing():
        pass
    assert WriteJournal(client, "docs").state()[1] == ("busy:alive",), "only marks older than the limit go"
