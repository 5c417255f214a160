"""Ingest against the real parts: real Chroma (embedded and server) and the real embedder.

Every test here runs on both store kinds through the ``workspace`` fixture.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from collections import defaultdict
from dataclasses import replace

import pytest

from assistant.chunking import chunk_lines
from assistant.errors import EmbedderMismatchError, StoreUnavailableError
from assistant.loaders import load

pytestmark = pytest.mark.slow


# -- helpers -------------------------------------------------------------------
def by_source(store) -> dict[str, list]:
    out = defaultdict(list)
    for c in store.all_chunks():
        out[c.source].append(c)
    return out


def assert_index_matches_corpus(ws, settings=None) -> dict[str, list]:
    """The index holds exactly the chunks the corpus files give now: one complete
    set per file, for the file's current bytes, each an exact slice of the file."""
    settings = settings or ws.settings()
    store = ws.store()
    chunks = store.all_chunks()
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert store.count() == len(chunks)
    files = by_source(store)
    for source, cs in files.items():
        path = ws.corpus / source
        assert path.is_file(), f"orphan chunks of deleted file {source}"
        raw = path.read_bytes()
        assert {c.file_hash for c in cs} == {hashlib.sha256(raw).hexdigest()}, f"stale chunks of {source}"
        assert sorted(c.index for c in cs) == list(range(cs[0].n_chunks)), f"incomplete chunk set for {source}"
        want = chunk_lines(load(path, source, 10**9).lines, source, hashlib.sha256(raw).hexdigest(), settings.chunk_tokens, settings.chunk_overlap)
        assert sorted(ids_of(cs)) == sorted(ids_of(want))
        if path.suffix in (".txt", ".md"):
            text = raw.decode()
            for c in cs:
                assert text[c.start_char : c.end_char] == c.text
                assert c.text.splitlines()[0] in text.splitlines()[c.start_line - 1]
    return files


def ids_of(chunks) -> list[str]:
    return [c.id for c in chunks]


def expected_total(ws, settings) -> int:
    return sum(
        len(chunk_lines(load(p, p.name, 10**9).lines, p.name, hashlib.sha256(p.read_bytes()).hexdigest(), settings.chunk_tokens, settings.chunk_overlap))
        for p in ws.corpus.iterdir()
        if not p.name.startswith(".")
    )


# -- incremental ingest -----------------------------------------------------------
def test_incremental_ingest_counts_and_cleanup(workspace, counting):
    ws = workspace
    bot = ws.assistant(embedder=counting)

    first = bot.ingest()
    assert first.summary() == "5 added, 0 changed, 0 unchanged, 0 removed"
    files = assert_index_matches_corpus(ws)
    assert sorted(files) == sorted(p.name for p in ws.corpus.iterdir() if not p.name.startswith("."))
    assert counting.texts == ws.store().count() == sum(f.chunks for f in first.files)
    assert {f.source: f.chunks for f in first.files} == {s: len(cs) for s, cs in files.items()}

    counting.texts = 0
    again = bot.ingest()
    assert again.summary() == "0 added, 0 changed, 5 unchanged, 0 removed"
    assert counting.texts == 0, "an unchanged corpus must embed nothing"

    # A new process (fresh Assistant, nothing injected) must not even load the model.
    from assistant.api import Assistant

    cold = Assistant(ws.settings())
    assert cold.ingest().summary() == "0 added, 0 changed, 5 unchanged, 0 removed"
    assert cold._embedder is None, "an unchanged re-ingest loaded the embedding model"

    old_002 = {c.id for c in files["002_1d73cbb23efaf534.txt"]}
    ws.write("new_notes.md", "# Notes\n\nThe Zorblax charger delivers 350 kW.\nIt was announced in Oslo.\n")
    with (ws.corpus / "002_1d73cbb23efaf534.txt").open("a") as fh:
        fh.write("\nA late correction: the premium target was restated by the company in May.\n")
    (ws.corpus / "004_bf494e688fbae5b2.txt").unlink()

    counting.texts = 0
    third = bot.ingest()
    assert third.summary() == "1 added, 1 changed, 3 unchanged, 1 removed"
    status = {f.source: f.status for f in third.files}
    assert status["new_notes.md"] == "added"
    assert status["002_1d73cbb23efaf534.txt"] == "changed"
    assert status["004_bf494e688fbae5b2.txt"] == "removed"
    assert counting.texts == third.chunks_written, "only new and changed files are embedded"

    files = assert_index_matches_corpus(ws)
    assert "004_bf494e688fbae5b2.txt" not in files
    assert not old_002 & {c.id for c in files["002_1d73cbb23efaf534.txt"]}, "old chunks of a changed file remain"
    assert any("late correction" in c.text for c in files["002_1d73cbb23efaf534.txt"])
    assert ws.store().count() == sum(len(cs) for cs in files.values())

    counting.texts = 0
    assert bot.ingest().summary() == "0 added, 0 changed, 5 unchanged, 0 removed"
    assert counting.texts == 0


def test_dry_run_writes_nothing(workspace, counting):
    ws = workspace
    bot = ws.assistant(embedder=counting)
    dry = bot.ingest(dry_run=True)
    assert dry.count("added") == 5
    assert counting.texts == 0
    assert ws.store().count() == 0
    bot.ingest()
    ws.write("extra.txt", "One more line about the Quuxotron.\n")
    dry = bot.ingest(dry_run=True)
    assert dry.summary() == "1 added, 0 changed, 5 unchanged, 0 removed"
    assert "extra.txt" not in by_source(ws.store())


def test_changed_chunk_size_rechunks_every_file(workspace, counting):
    ws = workspace
    ws.assistant(embedder=counting).ingest()
    small = ws.assistant(embedder=counting, chunk_tokens=60, chunk_overlap=10)
    report = small.ingest()
    assert report.summary() == "0 added, 5 changed, 0 unchanged, 0 removed"
    assert_index_matches_corpus(ws, small.settings)  # no chunk of the old size is left
    assert small.ingest().summary() == "0 added, 0 changed, 5 unchanged, 0 removed"
    back = ws.assistant(embedder=counting)
    assert back.ingest().summary() == "0 added, 5 changed, 0 unchanged, 0 removed"
    assert_index_matches_corpus(ws)


def test_an_index_from_an_older_reader_is_read_again_once(workspace, counting):
    """An unchanged file keeps the text an older reader gave it unless ingest notices the reader changed."""
    ws = workspace
    bot = ws.assistant(embedder=counting)
    bot.ingest()
    s = bot.settings
    ws.store().set_info(chunking=f"{s.chunk_tokens}/{s.chunk_overlap}")  # what an index built before READER_VERSION records
    assert bot.ingest().summary() == "0 added, 5 changed, 0 unchanged, 0 removed"
    assert_index_matches_corpus(ws)
    assert bot.ingest().summary() == "0 added, 0 changed, 5 unchanged, 0 removed"


def test_a_changed_reader_code_reads_every_file_again_once(workspace, counting, monkeypatch):
    """A new sentence or chunking rule (a new fingerprint, assistant/reader.py) re-reads files whose bytes did not change."""
    ws = workspace
    bot = ws.assistant(embedder=counting)
    bot.ingest()
    monkeypatch.setattr("assistant.ingest.reader_fingerprint", lambda: "0123456789ab")
    assert bot.ingest().summary() == "0 added, 5 changed, 0 unchanged, 0 removed"
    assert_index_matches_corpus(ws)
    assert bot.ingest().summary() == "0 added, 0 changed, 5 unchanged, 0 removed"


# -- bad files ------------------------------------------------------------------
def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one per line)."""
    esc = lambda s: s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")  # noqa: E731
    content = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({esc(s)}) Tj T*" for s in lines) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blob.txt": (bytes(range(256)) * 8, "binary"),
    "latin1.txt": ("Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9 about Xiaomi.\n".encode("latin-1"), "utf-8"),
    "report.docx": (b"PK\x03\x04" + os.urandom(200), "corrupt or truncated"),
    "broken.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref", "pdf"),
    "scan.pdf": (minimal_pdf([]), "no text layer"),
}


def test_bad_file_mix(workspace, counting):
    ws = workspace
    bot = ws.assistant(embedder=counting)
    bot.ingest()
    before = by_source(ws.store())

    for name, (data, _) in BAD_FILES.items():
        ws.write(name, data)
    ws.write("good.md", "# Field notes\n\nThe Quuxotron prototype weighs 1,234 kg.\n\nIt was shown in Lisbon.\n")
    ws.write(
        "page.html",
        "<html><head><title>T</title><style>body{color:red}</style><script>var secret='pwned';</script></head>"
        "<body><h1>Factory news</h1><p>The Blorpton plant opened in 2031.</p>"
        "<script>alert('xss')</script><!-- hidden comment --></body></html>",
    )
    ws.write("paper.pdf", minimal_pdf(["The Frobnitz sensor was invented in 1999.", "It measures humidity."]))
    # A file indexed before that turns unreadable keeps its previous chunks.
    broken_article = "003_9de4892e83e3c109.txt"
    ws.write(broken_article, (ws.corpus / broken_article).read_bytes() + b"\n\xff\xfe broken tail\n")

    report = bot.ingest()
    status = {f.source: f for f in report.files}
    for name, (_, why) in BAD_FILES.items():
        assert status[name].status == "skipped", name
        assert why in status[name].reason.lower(), (name, status[name].reason)
    assert status[broken_article].status == "skipped"
    assert "kept" in status[broken_article].reason
    for name in ("good.md", "page.html", "paper.pdf"):
        assert status[name].status == "added", (name, status[name].reason)
        assert status[name].chunks >= 1
    assert report.count("unchanged") == 4

    after = by_source(ws.store())
    assert set(after) == set(before) | {"good.md", "page.html", "paper.pdf"}
    for source, cs in before.items():  # the existing index is intact
        assert sorted(ids_of(after[source])) == sorted(ids_of(cs))
    html = " ".join(c.text for c in after["page.html"])
    assert "Blorpton plant opened in 2031" in html and "Factory news" in html
    assert "alert" not in html and "secret" not in html and "color:red" not in html and "hidden comment" not in html
    pdf = " ".join(c.text for c in after["paper.pdf"])
    assert "Frobnitz sensor was invented in 1999" in pdf

    # The new files are searchable.
    ans = bot.ask("What year was the Frobnitz sensor invented?")
    assert not ans.refused and "1999" in ans.text
    assert ans.citations and ans.citations[0].source == "paper.pdf"


# -- embedder mismatch ---------------------------------------------------------------
def test_embedder_mismatch_names_rebuild_and_rebuild_fixes_it(workspace, embedder):
    ws = workspace
    ws.assistant().ingest()
    other = ws.assistant(embed_model="sentence-transformers/some-other-model")
    with pytest.raises(EmbedderMismatchError) as err:
        other.ingest()
    msg = err.value.user_message()
    assert "--rebuild" in msg and "all-MiniLM-L6-v2" in msg and "some-other-model" in msg
    with pytest.raises(EmbedderMismatchError):
        other.ask("When was Xiaomi founded?")

    # The mismatch is found without loading the configured model (here it does not even exist).
    from assistant.api import Assistant

    cold = Assistant(ws.settings(embed_model="/nonexistent/model"))
    with pytest.raises(EmbedderMismatchError):
        cold.ingest()
    assert cold._embedder is None

    report = other.ingest(rebuild=True)
    assert report.summary() == "5 added, 0 changed, 0 unchanged, 0 removed"
    assert other.store.col.metadata["embedder"] == "local:sentence-transformers/some-other-model"
    assert other.ingest().summary() == "0 added, 0 changed, 5 unchanged, 0 removed"
    with pytest.raises(EmbedderMismatchError):
        ws.assistant().ingest()


# -- Chroma server mode ------------------------------------------------------------
@pytest.mark.parametrize("store_kind", ["http"], indirect=True)
def test_chroma_url_puts_the_index_on_the_server(workspace, chroma_server):
    import chromadb
    from urllib.parse import urlparse

    from assistant.settings import Settings

    ws = workspace
    assert Settings.load(env={"ASSISTANT_CHROMA_URL": chroma_server}).chroma_url == chroma_server
    report = ws.assistant().ingest()
    u = urlparse(chroma_server)
    raw = chromadb.HttpClient(host=u.hostname, port=u.port).get_collection(ws.collection)
    assert raw.count() == sum(f.chunks for f in report.files) > 0
    assert not (ws.index / "chroma.sqlite3").exists(), "server mode must not write the embedded index"


@pytest.mark.parametrize("store_kind", ["http"], indirect=True)
def test_processes_share_one_server_and_bm25_follows_writes(workspace):
    """One process serves while another (the CLI) ingests through the same server."""
    ws = workspace
    server = ws.assistant()
    server.ingest()
    retriever = server.engine.retriever
    assert server.ask("What year was Xiaomi founded?").citations
    assert retriever.bm25.search("zorblax", 5) == []

    # 1. A new file, ingested by another process while this one keeps answering.
    ws.write("zorblax.txt", "Charging news.\nThe Zorblax charger delivers 350 kW to the SU7.\n")
    proc = subprocess.Popen(ws.cli_args("ingest"), cwd=ws.root, env=ws.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    served = 0
    while proc.poll() is None:
        ans = server.ask("What year was Xiaomi founded?")
        assert not ans.refused and "2010" in ans.text
        served += 1
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "1 added, 0 changed, 5 unchanged, 0 removed" in out
    assert served >= 1
    ans = server.ask("How much power does the Zorblax charger deliver?")
    assert "350 kW" in ans.text and ans.citations[0].source == "zorblax.txt"
    hits = retriever.retrieve("Zorblax charger")
    assert any(p.chunk.source == "zorblax.txt" and p.bm25 > 0 for p in hits), "BM25 did not pick up the new file"
    count = server.store.count()

    # 2. The same file rewritten in place: same chunk count, new words.
    ws.write("zorblax.txt", "Charging news.\nThe Quuxotron charger delivers 410 kW to the SU7.\n")
    r = ws.cli("ingest")
    assert r.returncode == 0, r.stderr
    assert "0 added, 1 changed, 5 unchanged, 0 removed" in r.stdout
    assert server.store.count() == count
    hits = retriever.retrieve("Quuxotron charger")
    assert any(p.chunk.source == "zorblax.txt" and p.bm25 > 0 and "Quuxotron" in p.chunk.text for p in hits)
    assert retriever.bm25.search("zorblax", 5) == [], "BM25 still holds the old text"
    ans = server.ask("How much power does the Quuxotron charger deliver?")
    assert "410 kW" in ans.text and ans.citations[0].source == "zorblax.txt"


def test_unreachable_chroma_server_is_a_named_error(tmp_path, embedder, closed_url):
    from assistant.api import Assistant
    from assistant.settings import Settings

    s = Settings.from_mapping({"corpus_dir": tmp_path, "index_dir": tmp_path / "i", "chroma_url": closed_url})
    with pytest.raises(StoreUnavailableError) as err:
        Assistant(s, embedder=embedder).ingest()
    assert "127.0.0.1" in err.value.user_message() and "chroma" in err.value.user_message().lower()


def test_fingerprint_sees_every_write(workspace, embedder):
    """Same ids and same count, new text: the old count+last-id heuristic missed this."""
    ws = workspace
    ws.assistant().ingest()
    reader, writer = ws.store(), ws.store()
    fp0 = reader.fingerprint()
    assert fp0 == reader.fingerprint(), "no write, no change"
    c = writer.all_chunks()[0]
    from dataclasses import replace

    n0 = writer.count()
    changed = replace(c, text=c.text + " Quuxotron.")
    writer.upsert([changed], [embedder.get_text_embedding(changed.text)])
    fp1 = reader.fingerprint()
    assert fp1 != fp0 and writer.count() == n0
    writer.delete(["no-such-id"])
    assert reader.fingerprint() != fp1
    writer.reset()
    assert reader.fingerprint() != fp1
    # The dropped collection does not break the reader: it reopens the new one.
    ws.assistant().ingest()
    assert reader.count() == writer.count() > 0


class _Killed(BaseException):
    """Stands in for SIGKILL inside a write: nothing after it runs."""


def test_writer_killed_mid_write_is_seen_through_the_count(workspace, embedder, monkeypatch):
    """Steady state reads the journal and counts nothing; a write cut short is still seen."""
    from assistant import journal
    from assistant.retrieve import HybridRetriever

    ws = workspace
    ws.assistant().ingest()
    reader, writer = ws.store(), ws.store()
    reader._quiet_stamp = lambda: None  # always read the journal, as against a server
    retriever = HybridRetriever(reader, embedder, ws.settings())
    retriever.retrieve("electric car")
    fp0 = reader.fingerprint()
    assert fp0[-1] == -1, "no write in flight: no count"

    # The writer dies after its rows land and before it records the write.
    monkeypatch.setattr(journal.WriteJournal, "_finish", lambda self, mark: (_ for _ in ()).throw(_Killed()))
    c = writer.all_chunks()[0]
    extra = replace(c, id=c.id + "-extra", text="Zorblax chargers deliver 350 kW.")
    with pytest.raises(_Killed):
        writer.upsert([extra], [embedder.get_text_embedding(extra.text)])
    monkeypatch.undo()
    fp1 = reader.fingerprint()
    assert fp1 != fp0 and fp1[-1] == writer.count(), "the dead writer's mark brings the count in"
    assert reader.fingerprint() == fp1, "stable while nothing else is written"
    # The reader's keyword index picks up the rows the dead writer left.
    retriever.retrieve("Zorblax chargers")
    assert extra.id in retriever.refresh().by_id


@pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)
def test_quiet_embedded_store_is_checked_with_one_stat(workspace, embedder):
    """While chroma.sqlite3 is untouched the fingerprint comes from a stat; any write, from any process, is seen."""
    ws = workspace
    ws.assistant().ingest()
    reader = ws.store()
    db = ws.index / "chroma.sqlite3"

    def age(path, seconds=5.0):  # as if the last write was a while ago
        t = time.time() - seconds
        os.utime(path, (t, t))

    calls = []
    real = reader._journal.state
    reader._journal.state = lambda: calls.append(1) or real()
    age(db)
    fp0 = reader.fingerprint()
    n = len(calls)
    assert [reader.fingerprint() for _ in range(5)] == [fp0] * 5
    assert len(calls) == n, "a quiet store must not be read again"

    # A write by another process moves the file's mtime: seen at once.
    ws.write("zorblax.txt", "Charging news.\nThe Zorblax charger delivers 350 kW to the SU7.\n")
    r = ws.cli("ingest")
    assert r.returncode == 0, r.stderr
    fp1 = reader.fingerprint()
    assert fp1 != fp0
    # A file written within the last second is not trusted: every check reads the collection.
    os.utime(db, None)
    n = len(calls)
    reader.fingerprint()
    reader.fingerprint()
    assert len(calls) >= n + 2

    # A write in this process, after the file went quiet again.
    age(db)
    assert reader.fingerprint() == fp1
    c = reader.all_chunks()[0]
    from dataclasses import replace

    changed = replace(c, text=c.text + " Quuxotron.")
    ws.store().upsert([changed], [embedder.get_text_embedding(changed.text)])
    assert reader.fingerprint() != fp1


# -- an ingest killed halfway --------------------------------------------------------
# One short sentence per line and chunks too small to hold two: one chunk per
# line, tiny to embed. Ingest embeds and writes 256 chunks per round, so a
# corpus of several hundred chunks is written in several rounds.
SMALL_CHUNKS = {"ASSISTANT_CHUNK_TOKENS": "24", "ASSISTANT_CHUNK_OVERLAP": "0"}
N_FILES = 40


def synthetic_corpus(ws, version: int) -> None:
    """N_FILES files of 14 + version lines: version 2 has one more chunk per file."""
    for p in ws.corpus.iterdir():
        p.unlink()
    for i in range(N_FILES):
        lines = [f"Unit {i * 100 + j} of report {i} passed check {j} in round {version}." for j in range(14 + version)]
        ws.write(f"doc_{i:03d}.txt", "\n".join(lines) + "\n")


def run_until(ws, predicate, timeout: float = 300) -> bool:
    """Start `assistant ingest`, SIGKILL it as soon as ``predicate(store)`` holds.

    Returns False if the run finished before the predicate was ever seen."""
    store = ws.store()
    proc = subprocess.Popen(ws.cli_args("ingest"), cwd=ws.root, env=ws.env(**SMALL_CHUNKS),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if predicate(store):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return True
            time.sleep(0.05)
        assert proc.poll() is not None, "ingest did not finish in time"
        assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def complete_versions(store) -> dict[str, set[str]]:
    """Per source, the file hashes for which the store holds a complete chunk set."""
    out = {}
    for source, entry in store.manifest().items():
        out[source] = {h for h, ids in entry["ids"].items() if len(ids) == entry["n_chunks"][h]}
    return out


def test_killed_ingest_is_completed_by_the_next_run(workspace):
    ws = workspace
    settings = ws.settings(chunk_tokens=24, chunk_overlap=0)
    synthetic_corpus(ws, version=1)
    total = expected_total(ws, settings)
    assert total == N_FILES * 15 > 2 * 256, "the corpus must need several write rounds"

    # 1. A first ingest, killed after some but not all chunks were written.
    killed = run_until(ws, lambda st: 0 < st.count() < total)
    assert killed, "ingest finished before it could be killed halfway"
    assert 0 < ws.store().count() < total
    done = ws.cli("ingest", "--json", env=ws.env(**SMALL_CHUNKS))
    assert done.returncode == 0, done.stderr
    statuses = [f["status"] for f in json.loads(done.stdout)["files"]]
    assert 1 <= statuses.count("unchanged") < N_FILES  # what the killed run finished is kept
    assert set(statuses) == {"added", "unchanged"}  # a half-written new file is still "added"
    assert_index_matches_corpus(ws, settings)
    assert ws.store().count() == total

    # 2. Every file changes (one more chunk each); the re-ingest is killed partway.
    old = {s: next(iter(v)) for s, v in complete_versions(ws.store()).items()}
    synthetic_corpus(ws, version=2)
    total2 = expected_total(ws, settings)
    assert total2 == total + N_FILES
    killed = run_until(ws, lambda st: st.count() not in (total, total2))
    assert killed, "re-ingest finished before it could be killed partway"
    versions = complete_versions(ws.store())
    assert set(versions) == set(old), "a killed run lost a file"
    assert all(versions.values()), "a killed run left a file without one complete version"
    assert any(v != {old[s]} for s, v in versions.items()), "the killed run wrote nothing new"
    done = ws.cli("ingest", env=ws.env(**SMALL_CHUNKS))
    assert done.returncode == 0, done.stderr
    assert_index_matches_corpus(ws, settings)
    assert ws.store().count() == total2


def test_dense_search_is_exact_up_to_the_limit_and_approximate_above_it(workspace):
    """Below ``exact_search_chunks`` the dense neighbours are the true ones, from the stored vectors."""
    import numpy as np

    ws = workspace
    bot = ws.assistant()
    bot.ingest()
    chunks, vectors = ws.store().chunks_with_vectors()
    assert vectors.shape == (len(chunks), 384) and len(chunks) == ws.store().count()
    question = "When were the first cars delivered to customers?"
    qvec = np.asarray(bot.embedder.get_query_embedding(question), dtype=np.float32)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    truth = [chunks[i].id for i in np.argsort(-(unit @ (qvec / np.linalg.norm(qvec))), kind="stable")[:10]]

    retriever = bot.engine.retriever
    retriever.retrieve(question, qvec=qvec)
    exact = retriever.refresh().exact
    assert exact is not None and len(exact) == len(chunks)
    got = exact.nearest(qvec, 10)
    assert [cid for cid, _ in got] == truth
    # The same cosine similarity Chroma reports for the ids both return.
    approx = dict(ws.store().nearest(qvec, 10))
    assert approx and all(abs(approx[cid] - sim) < 1e-4 for cid, sim in got if cid in approx)

    # Grown past the limit: Chroma's HNSW index answers, and keeps answering.
    capped = ws.assistant(exact_search_chunks=len(chunks))
    capped.engine.retriever.retrieve(question, qvec=qvec)
    assert capped.engine.retriever.refresh().exact is not None
    (ws.corpus / "extra.txt").write_text("A new page about delivery schedules.\n")
    capped.ingest()
    passages = capped.engine.retriever.retrieve(question, qvec=qvec)
    assert capped.engine.retriever.refresh().exact is None and passages
    assert ws.assistant(exact_search_chunks=0).engine.retriever.refresh().exact is None


@pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)
def test_an_embedded_index_written_by_another_process_still_answers(workspace):
    """This process's Chroma cannot hand over vectors another process wrote; the ids and text still read."""
    ws = workspace
    bot = ws.assistant()
    bot.ingest()
    assert "2010" in bot.ask("What year was Xiaomi founded?").text
    ws.write("zorblax.txt", "Charging news.\nThe Zorblax charger delivers 350 kW to the SU7.\n")
    r = ws.cli("ingest")
    assert r.returncode == 0, r.stderr
    hits = bot.engine.retriever.retrieve("Zorblax charger")  # no store error
    assert any(p.chunk.source == "zorblax.txt" and p.bm25 > 0 for p in hits)
    assert "2010" in bot.ask("What year was Xiaomi founded?").text
    exact = bot.engine.retriever.refresh().exact
    assert exact is None or len(exact) == ws.store().count()
