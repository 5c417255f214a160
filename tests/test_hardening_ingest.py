"""Ingestion of bad input: every case uses real files made by the test.

For each bad file the contract is the same: it is reported with a reason,
every good file is indexed, and what was indexed before is intact.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.chunking import chunk_lines
from assistant.loaders import SkipFile, file_hash, load, read_capped
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "alpha.txt": "The Lumen observatory was built in 1931 on Mount Halvar.\nIts main telescope has a 2.4 metre mirror.\n",
    "beta.md": "# Harbour\n\nThe Kestrel ferry crosses the bay every 40 minutes.\nTickets cost 3 euros for adults.\n",
}
NEW_GOOD = ("gamma.txt", "The Orvane bakery sells 900 loaves of rye bread each morning.\n")


def settings_for(tmp: Path, **kw) -> Settings:
    return Settings().replace(corpus_dir=tmp / "corpus", index_dir=tmp / "index", **kw)


def write(corpus: Path, files: dict[str, str | bytes]) -> None:
    for name, body in files.items():
        p = corpus / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)


def snapshot(bot: Assistant) -> dict[str, tuple[str, str]]:
    """id -> (source, text) of everything in the index."""
    return {c.id: (c.source, c.text) for c in bot.store.all_chunks()}


def expected_ids(corpus: Path, source: str, s: Settings) -> set[str]:
    lf = load(corpus / source, source, 10**9)
    return {c.id for c in chunk_lines(lf.lines, source, lf.file_hash, s.chunk_tokens, s.chunk_overlap)}


@pytest.fixture
def indexed(tmp_path, cached_embedder):
    """A corpus of two good files, indexed; returns (bot, corpus, snapshot before)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus, GOOD)
    bot = Assistant(settings_for(tmp_path), embedder=cached_embedder)
    rep = bot.ingest()
    assert rep.count("added") == 2 and not rep.skipped
    return bot, corpus, snapshot(bot)


def check_contract(bot: Assistant, corpus: Path, before: dict, report, bad: dict[str, str]) -> None:
    """Bad files skipped with the expected reason, good ones indexed, old index intact."""
    by_source = {f.source: f for f in report.files}
    for source, why in bad.items():
        assert by_source[source].status == "skipped", (source, by_source[source])
        assert why.lower() in by_source[source].reason.lower(), (source, by_source[source].reason)
    after = snapshot(bot)
    for cid, val in before.items():  # the previous index is intact
        assert after.get(cid) == val
    assert by_source[NEW_GOOD[0]].status == "added"
    want = set(before) | expected_ids(corpus, NEW_GOOD[0], bot.settings)
    assert set(after) == want  # no stray chunk from a bad file, no duplicate
    ans = bot.ask("How many loaves of rye bread does the Orvane bakery sell?")
    assert not ans.refused and ans.citations[0].source == NEW_GOOD[0]


# -- files that must be skipped with a reason ------------------------------------


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A minimal valid PDF whose text layer holds ``lines``."""
    ops = ["BT /F1 12 Tf 20 180 Td 14 TL"] + [f"({ln}) Tj T*" for ln in lines] + ["ET"]
    stream = "\n".join(ops).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


BAD_FILES = {
    "empty": ({"empty.txt": b""}, {"empty.txt": "empty file"}),
    "whitespace only": ({"blank.md": b"  \n\n\t\n"}, {"blank.md": "no text content"}),
    "binary with .txt": ({"photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8}, {"photo.txt": "binary"}),
    "control bytes, no NUL": ({"ctl.txt": bytes(range(1, 9)) * 500}, {"ctl.txt": "binary"}),
    "invalid UTF-8 (Latin-1)": ({"latin.txt": "Café crème, résumé.\n".encode("latin-1")}, {"latin.txt": "not valid UTF-8 at byte 3"}),
    "UTF-16 without BOM": ({"u16.txt": "Plain words here.\n".encode("utf-16-le")}, {"u16.txt": "without a byte-order mark"}),
    "broken UTF-16 with BOM": ({"odd.txt": b"\xff\xfeA\x00B"}, {"odd.txt": "broken UTF-16"}),
    "PDF without text layer": ({"scan.pdf": _blank_pdf()}, {"scan.pdf": "no text layer"}),
    "corrupt PDF": ({"broken.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog garbage"}, {"broken.pdf": "corrupt PDF"}),
    "truncated PDF": ({"cut.pdf": text_pdf(["Half a document"])[:150]}, {"cut.pdf": "corrupt PDF"}),
    "unsupported type": ({"notes.rtf": b"{\\rtf1 whatever}"}, {"notes.rtf": "unsupported file type"}),
    "corrupt .docx": ({"notes.docx": b"PK\x03\x04whatever"}, {"notes.docx": "corrupt or truncated Word document"}),
    "HTML with only a script": ({"x.html": b"<html><script>alert(1)</script></html>"}, {"x.html": "no text content"}),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_file_is_reported_and_nothing_else_changes(indexed, case):
    bot, corpus, before = indexed
    files, reasons = BAD_FILES[case]
    write(corpus, {**files, NEW_GOOD[0]: NEW_GOOD[1]})
    check_contract(bot, corpus, before, bot.ingest(), reasons)


def test_special_files_never_block(indexed):
    """A FIFO, a device, link loops and a dangling link, all named like text files."""
    bot, corpus, before = indexed
    os.mkfifo(corpus / "pipe.txt")  # opening it for reading would wait for a writer forever
    os.symlink("/dev/zero", corpus / "zeros.txt")  # reading it would never end
    os.symlink("loop_b.txt", corpus / "loop_a.txt")
    os.symlink("loop_a.txt", corpus / "loop_b.txt")
    os.symlink("nowhere.txt", corpus / "dangling.txt")
    (corpus / "sub").mkdir()
    os.symlink("..", corpus / "sub" / "up")  # a folder loop: must not index files twice
    write(corpus, {NEW_GOOD[0]: NEW_GOOD[1]})
    rep = bot.ingest()
    check_contract(bot, corpus, before, rep, {
        "pipe.txt": "not a regular file (a FIFO)",
        "zeros.txt": "not a regular file (a device)",
        "loop_a.txt": "symbolic link loop",
        "loop_b.txt": "symbolic link loop",
        "dangling.txt": "broken symbolic link",
    })
    assert not [f for f in rep.files if f.source.startswith("sub/up/")]


def test_previously_indexed_file_turned_bad_keeps_its_chunks(indexed):
    bot, corpus, before = indexed
    (corpus / "alpha.txt").write_bytes(b"\x00\x01binary now")
    write(corpus, {NEW_GOOD[0]: NEW_GOOD[1]})
    rep = bot.ingest()
    f = next(f for f in rep.files if f.source == "alpha.txt")
    assert f.status == "skipped" and "binary" in f.reason and "previously indexed version is kept" in f.reason
    check_contract(bot, corpus, before, rep, {})


# -- files that must be indexed correctly -----------------------------------------


def cited_line(bot: Assistant, question: str, source: str) -> tuple[int, int]:
    ans = bot.ask(question)
    assert not ans.refused, ans.notes
    c = next(c for c in ans.citations if c.source == source)
    return c.start_line, c.end_line


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_bom_marked_text_is_indexed_with_right_lines(tmp_path, cached_embedder, encoding):
    corpus = tmp_path / "corpus"
    body = "Title line\r\n\r\nFiller about nothing.\r\nMore filler.\r\nThe Quillon lighthouse is 61 metres tall.\r\nEnd.\r\n"
    raw = body.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    write(corpus, {"wide.txt": raw, **GOOD})
    bot = Assistant(settings_for(tmp_path), embedder=cached_embedder)
    rep = bot.ingest()
    assert not rep.skipped, rep.skipped
    assert cited_line(bot, "How tall is the Quillon lighthouse?", "wide.txt") == (5, 5)
    chunks = [c for c in bot.store.all_chunks() if c.source == "wide.txt"]
    assert chunks and all("\r" not in c.text and "\ufeff" not in c.text for c in chunks)


def test_line_numbers_ignore_form_feeds_and_unicode_separators(tmp_path, cached_embedder):
    # str.splitlines() would break at \f and U+2028 and shift every later citation.
    corpus = tmp_path / "corpus"
    write(corpus, {"odd.txt": "Page one\fstill line one\nLine two\u2028same line\nThe Varro canal is 12 km long.\n", **GOOD})
    bot = Assistant(settings_for(tmp_path), embedder=cached_embedder)
    assert not bot.ingest().skipped
    assert cited_line(bot, "How long is the Varro canal?", "odd.txt") == (3, 3)


def test_pdf_with_text_layer_is_indexed(indexed):
    bot, corpus, before = indexed
    write(corpus, {"report.pdf": text_pdf(["The Tessaly dam holds 40 million cubic metres of water."]), NEW_GOOD[0]: NEW_GOOD[1]})
    rep = bot.ingest()
    assert next(f for f in rep.files if f.source == "report.pdf").status == "added"
    ans = bot.ask("How much water does the Tessaly dam hold?")
    assert not ans.refused and ans.citations[0].source == "report.pdf"


def test_awkward_file_names_are_indexed(tmp_path, cached_embedder):
    corpus = tmp_path / "corpus"
    names = {
        "with spaces in name.txt": "The Brindle tram line opened in 1904.\n",
        "ünïcødé 文件 📄.md": "The Sorrel library lends 12,000 books a month.\n",
        "new\nline.txt": "The Ashby marathon starts at the old mill.\n",
        "sub dir/[brackets] & (parens) #1.txt": "The Fenwick bridge has seven arches.\n",
    }
    write(corpus, names)
    (corpus / os.fsdecode(b"bad-\xff-bytes.txt")).write_text("The Corvid choir sings on Sundays.\n")
    bot = Assistant(settings_for(tmp_path), embedder=cached_embedder)
    rep = bot.ingest()
    assert not rep.skipped, rep.skipped
    assert rep.count("added") == 5
    sources = {f.source for f in bot.files()}
    assert set(names) <= sources
    assert "bad-\\xff-bytes.txt" in sources  # undecodable bytes shown escaped, still valid UTF-8
    for q, src in [("When did the Brindle tram line open?", "with spaces in name.txt"),
                   ("How many books does the Sorrel library lend?", "ünïcødé 文件 📄.md"),
                   ("Where does the Ashby marathon start?", "new\nline.txt"),
                   ("How many arches does the Fenwick bridge have?", "sub dir/[brackets] & (parens) #1.txt"),
                   ("When does the Corvid choir sing?", "bad-\\xff-bytes.txt")]:
        ans = bot.ask(q)
        assert not ans.refused and ans.citations[0].source == src, (q, ans.to_dict())
    assert bot.ingest().count("unchanged") == 5  # names round-trip through the store


def test_file_deleted_mid_ingest(indexed):
    bot, corpus, before = indexed
    write(corpus, {"doomed.txt": "This file will vanish.\n", NEW_GOOD[0]: NEW_GOOD[1]})

    def delete_when_next(done, total, source):
        if source == "doomed.txt":  # called just before the file is read
            (corpus / "doomed.txt").unlink()

    rep = bot.ingest(progress=delete_when_next)
    check_contract(bot, corpus, before, rep, {"doomed.txt": "disappeared"})

    # An indexed file deleted mid-ingest keeps its chunks until the next run removes them.
    def delete_alpha(done, total, source):
        if source == "alpha.txt" and (corpus / "alpha.txt").exists():
            (corpus / "alpha.txt").unlink()

    rep = bot.ingest(progress=delete_alpha)
    f = next(f for f in rep.files if f.source == "alpha.txt")
    assert f.status == "skipped" and "kept" in f.reason
    assert any(src == "alpha.txt" for src, _ in snapshot(bot).values())
    rep = bot.ingest()
    assert next(f for f in rep.files if f.source == "alpha.txt").status == "removed"
    assert not any(src == "alpha.txt" for src, _ in snapshot(bot).values())


# -- size and memory ---------------------------------------------------------------


def test_50mb_file_is_skipped_without_reading_it_whole(indexed):
    bot, corpus, before = indexed
    line = b"All work and no play makes a very long and dull text file indeed.\n"
    with (corpus / "huge.txt").open("wb") as fh:
        for _ in range(50_000_000 // (len(line) * 1000) + 1):
            fh.write(line * 1000)
    assert (corpus / "huge.txt").stat().st_size > 50_000_000
    write(corpus, {NEW_GOOD[0]: NEW_GOOD[1]})
    bot.store.count()  # open the collection first: only ingest's own allocations are measured
    tracemalloc.start()
    try:
        rep = bot.ingest()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"peak traced allocation during ingest next to a 50 MB file: {peak / 1e6:.2f} MB")
    check_contract(bot, corpus, before, rep, {"huge.txt": "file too large (50.0 MB > 20 MB limit"})
    assert peak < 12_000_000, f"ingest allocated {peak / 1e6:.1f} MB at peak next to a 50 MB file"


def test_capped_read_stops_at_the_limit_even_if_the_size_lied(tmp_path, monkeypatch):
    """A file that grows after its size was checked is still never read past the cap."""
    big = tmp_path / "growing.txt"
    big.write_bytes(b"x" * 30_000_000)
    real_fstat = os.fstat

    def small_fstat(fd):  # the size check passes, as if the file grew afterwards
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10, *st[7:10]))

    monkeypatch.setattr(os, "fstat", small_fstat)
    tracemalloc.start()
    try:
        with pytest.raises(SkipFile, match="file too large"):
            read_capped(big, 5_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000
    monkeypatch.undo()
    assert len(file_hash(big)) == 64  # hashing streams: fine at any size


# -- permissions ---------------------------------------------------------------------

_UNREADABLE_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from assistant.api import Assistant
    from assistant.settings import Settings
    tmp = Path(sys.argv[1])
    bot = Assistant(Settings().replace(corpus_dir=tmp / "corpus", index_dir=tmp / "index"))
    rep = bot.ingest()
    print(json.dumps({"files": [[f.source, f.status, f.reason] for f in rep.files],
                      "sources": sorted({c.source for c in bot.store.all_chunks()})}))
""")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_unreadable_file_and_folder(tmp_path):
    """chmod 000 does not stop root, so a root run drops the capabilities that bypass it."""
    corpus = tmp_path / "corpus"
    write(corpus, {**GOOD, "locked/inside.txt": "The Merrow well is 30 metres deep.\n"})
    drop: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root and setpriv is missing: permissions cannot be enforced")
        drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]

    def run() -> dict:
        import json

        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        out = subprocess.run([*drop, sys.executable, "-c", _UNREADABLE_CHILD, str(tmp_path)], capture_output=True,
                             text=True, env=env, cwd=tmp_path, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    first = run()
    assert set(first["sources"]) == {"alpha.txt", "beta.md", "locked/inside.txt"}
    write(corpus, {"secret.txt": "The vault code is 4412.\n", NEW_GOOD[0]: NEW_GOOD[1]})
    os.chmod(corpus / "secret.txt", 0)
    os.chmod(corpus / "locked", 0)
    try:
        second = run()
    finally:
        os.chmod(corpus / "locked", 0o755)
    status = {s: (st, why) for s, st, why in second["files"]}
    assert status["secret.txt"][0] == "skipped" and "permission denied" in status["secret.txt"][1]
    assert status["locked/"][0] == "skipped" and "folder cannot be read" in status["locked/"][1]
    assert status[NEW_GOOD[0]][0] == "added"
    # The unlistable folder's file was indexed before and is kept, not removed.
    assert set(second["sources"]) == {"alpha.txt", "beta.md", "locked/inside.txt", NEW_GOOD[0]}
