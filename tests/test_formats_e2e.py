"""Mixed formats end to end: the real CLI cites slide, page and row; a bad batch goes on and keeps what was indexed."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT
from office_docs import docx_file, encrypt_office, pdf_file, pptx_file, xlsx_file

pytestmark = pytest.mark.slow
MIXED = ROOT / "evals" / "mixed" / "corpus"  # built by evals/mixed/make_corpus.py


@pytest.fixture(scope="module")
def mixed_ws(make_workspace):
    ws = make_workspace("persistent", "formats-cli")
    for f in ws.corpus.iterdir():
        f.unlink()
    for f in MIXED.iterdir():
        shutil.copyfile(f, ws.corpus / f.name)
    r = ws.cli("ingest")
    assert r.returncode == 0, r.stderr
    assert "4 added" in r.stdout
    assert "note figures.xlsx: hidden sheet read: Archive" in r.stdout
    return ws


@pytest.mark.parametrize("question, fact, source, locator, label", [
    ("What delivery goal did Xiaomi set for the SU7 for 2024?", "130,000", "launch.pptx", {"slide": 4}, "slide 4"),
    ("How many premium users does Xiaomi aim to attract with its EV business?", "20 million", "history.pdf", {"page": 3}, "page 3"),
    ("How many vehicles did Xiaomi sell in the first 36 hours after its EV launch?", "120,000", "figures.xlsx",
     {"sheet": "Facts", "row": 4}, "sheet Facts, row 4"),
])
def test_ask_json_cites_the_slide_page_and_row(mixed_ws, question, fact, source, locator, label):
    r = mixed_ws.cli("ask", question, "--json")
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert not ans["refused"] and fact in ans["answer"]
    cites = [c for c in ans["citations"] if c["source"] == source]
    assert cites, ans["citations"]
    assert {k: cites[0]["locator"].get(k) for k in locator} == locator
    assert cites[0]["label"] == label


def test_plain_ask_prints_the_label(mixed_ws):
    r = mixed_ws.cli("ask", "What delivery goal did Xiaomi set for the SU7 for 2024?")
    assert r.returncode == 0, r.stderr
    assert "launch.pptx, slide 4 (score" in r.stdout


def test_a_bad_batch_goes_on_and_keeps_what_was_indexed(make_workspace, tmp_path):
    ws = make_workspace("persistent", "formats-bad")
    docx_file(ws.corpus / "plan.docx", [("h1", "Plan"), ("p", "The Quuxotron ships in 2031.")])
    bot = ws.assistant()
    first = bot.ingest()
    assert first.count("added") == 6, first.summary()
    kept = {f.source: f.chunks for f in bot.files()}["plan.docx"]

    (ws.corpus / "plan.docx").write_bytes((ws.corpus / "plan.docx").read_bytes()[:900])  # truncated in place
    encrypt_office(xlsx_file(tmp_path / "s.xlsx", {"S": [["a", "b"], ["c", "d"]]}), ws.corpus / "locked.xlsx")
    pdf_file(ws.corpus / "locked.pdf", [["secret"]], user_password="pw")
    pptx_file(ws.corpus / "photos.pptx", [], image_only=True)
    (ws.corpus / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    xlsx_file(ws.corpus / "big.xlsx", {"Rows": [["n", "square"]] + [[i, i * i] for i in range(1, 40)]})
    pptx_file(ws.corpus / "deck.pptx", [{"title": "Blorpton", "body": ["The Blorpton plant opened in 2032."]}])
    report = ws.assistant(max_sheet_rows=10).ingest()

    got = {f.source: f for f in report.files}
    assert "corrupt or truncated Word document" in got["plan.docx"].reason
    assert "previously indexed version is kept" in got["plan.docx"].reason
    assert "password-protected" in got["locked.xlsx"].reason and "password-protected" in got["locked.pdf"].reason
    assert got["photos.pptx"].reason == "no text (images only; OCR is not included)"
    assert got["old.doc"].reason.startswith("legacy format: save it as .docx")
    assert got["big.xlsx"].status == "added" and "30 more left out" in got["big.xlsx"].note
    assert got["deck.pptx"].status == "added"
    assert {f.source: f.chunks for f in bot.files()}["plan.docx"] == kept
    ans = bot.ask("When did the Blorpton plant open?")
    assert "2032" in ans.text and ans.citations[0].label == "slide 1"


def test_source_panel_shows_the_cited_rows_and_slide(mixed_ws):
    from assistant.ui import render

    bot = mixed_ws.assistant()
    for question, source, label, number in [
        ("How many vehicles did Xiaomi sell in the first 36 hours after its EV launch?", "figures.xlsx", "sheet Facts, row 4", "4"),
        ("What delivery goal did Xiaomi set for the SU7 for 2024?", "launch.pptx", "slide 4", ""),
    ]:
        c = next(c for c in bot.ask(question).citations if c.source == source)
        ctx = bot.source_context(c.source, c.start_line, c.end_line, around=2)
        html = render.source_panel_html(c, ctx.first_line, ctx.lines, gutter=ctx.gutter)
        assert label in html and "<mark>" in html
        hit = ctx.start_line - ctx.first_line
        assert ctx.gutter[hit] == number  # the sheet's own row number; slides have none per line
        if source == "launch.pptx":  # the whole slide, and nothing of the next one
            assert any("Point 3" in ln for ln in ctx.lines) and not any("Point 4" in ln for ln in ctx.lines)
