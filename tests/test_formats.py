"""Word, PowerPoint, Excel, CSV and PDF loaders on real files, their locators, and every bad-input case.

Files are written by the libraries made for each format (tests/office_docs.py).
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from office_docs import csv_file, docx_file, encrypt_office, pdf_file, pptx_file, xlsx_file

from assistant.chunking import chunk_lines
from assistant.loaders import SkipFile, load
from assistant.locators import attach, label, locate

MB = 10**8


def loaded(path: Path, **kw):
    return load(path, path.name, MB, **kw)


def by_line(lf) -> dict[str, dict]:
    return {ln.strip(): loc for ln, loc in zip(lf.lines, lf.locs) if ln.strip()}


# -- what each loader reads ---------------------------------------------------------
def test_docx_headings_paragraphs_tables_and_header(tmp_path):
    f = docx_file(tmp_path / "plan.docx", [
        ("h1", "Overview"), ("p", "Xiaomi was founded in 2010."),
        ("h2", "Prices"), ("table", [["Model", "Price"], ["SU7", "RMB 215,900"]]), ("p", "Prices include VAT."),
    ], header="Xiaomi EV plan 2024", footer="Page 1")
    lines = by_line(loaded(f))
    assert lines["# Overview"] == {"section": "Overview", "paragraph": 1}
    assert lines["Xiaomi was founded in 2010."] == {"section": "Overview", "paragraph": 2}
    assert lines["Model: SU7 | Price: RMB 215,900"] == {"section": "Prices", "table": 1, "row": 2}
    assert lines["Prices include VAT."] == {"section": "Prices", "paragraph": 4}
    assert "Xiaomi EV plan 2024" in lines  # a header that says something is kept
    assert "Page 1" not in lines  # a page-number footer is boilerplate


def test_pptx_titles_bodies_notes_in_slide_order(tmp_path):
    f = pptx_file(tmp_path / "deck.pptx", [
        {"title": "Launch", "body": ["SU7 launched in March 2024"], "notes": "Say the price."},
        {"title": "Orders", "body": ["88,898 orders in 24 hours"]},
    ])
    lf = loaded(f)
    lines = by_line(lf)
    assert [ln.strip() for ln in lf.lines if ln.strip()] == [
        "Launch", "SU7 launched in March 2024", "Notes: Say the price.", "Orders", "88,898 orders in 24 hours"]
    assert lines["Notes: Say the price."] == {"slide": 1} and lines["Orders"] == {"slide": 2}


def test_xlsx_rows_carry_headers_and_the_sheets_own_row_numbers(tmp_path):
    f = xlsx_file(tmp_path / "cars.xlsx", {"Prices": [["Model", "Price"], ["SU7", 215900], ["SU7 Max", 299900]],
                                           "Notes": [["Key", "Value"], ["launch", "2024"]]},
                  hidden=("Notes",), start_row=3)
    lf = loaded(f)
    lines = by_line(lf)
    assert lines["Model: SU7 Max | Price: 299900"] == {"sheet": "Prices", "row": 5}
    assert lines["Key: launch | Value: 2024"] == {"sheet": "Notes", "row": 4}
    assert any("hidden sheet read: Notes" in n for n in lf.notes)
    assert label({"sheet": "Prices", "row": 5}) == "sheet Prices, row 5"


def test_xlsx_formulas_give_their_cached_values(tmp_path):
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Totals")
    ws.write_row(0, 0, ["Item", "Amount"])
    ws.write_row(1, 0, ["base", 40])
    ws.write(2, 0, "doubled")
    ws.write_formula(2, 1, "=B2*2", None, 80)  # the value Excel would have cached
    wb.close()
    assert by_line(loaded(path))["Item: doubled | Amount: 80"] == {"sheet": "Totals", "row": 3}


def test_csv_rows_count_like_a_spreadsheet(tmp_path):
    f = csv_file(tmp_path / "p.csv", [["Model", "Price"], ["SU7", "215,900"], ["YU7", "253,500"]])
    lines = by_line(loaded(f))
    assert lines["Columns: Model | Price"] == {"row": 1}
    assert lines["Model: YU7 | Price: 253,500"] == {"row": 3}


def test_pdf_pages_are_right_even_after_an_empty_page(tmp_path):
    f = pdf_file(tmp_path / "r.pdf", [["Xiaomi was founded in 2010."], [], ["The SU7 launched in 2024.", "Second line."]])
    lines = by_line(loaded(f))
    assert lines["Xiaomi was founded in 2010."] == {"page": 1, "line": 1}
    assert lines["Second line."] == {"page": 3, "line": 2}


# -- chunks and citations -------------------------------------------------------------
def test_chunks_never_span_two_slides_or_sheets(tmp_path):
    deck = pptx_file(tmp_path / "d.pptx", [{"title": f"Slide {i}", "body": [f"Point {i}."]} for i in range(1, 6)])
    book = xlsx_file(tmp_path / "b.xlsx", {f"S{i}": [["K", "V"], ["a", i]] for i in range(1, 4)})
    for f in (deck, book):
        lf = loaded(f)
        chunks = attach(chunk_lines(lf.lines, f.name, lf.file_hash, 180, 40, lf.breaks), lf.locs)
        for c in chunks:
            units = {json.dumps({k: v for k, v in loc.items() if k in ("slide", "sheet")}) for loc in json.loads(c.locs)}
            assert len(units) == 1, c.text
        assert len(chunks) == (5 if f is deck else 3)


def test_a_pdf_chunk_may_span_pages_and_names_both(tmp_path):
    f = pdf_file(tmp_path / "r.pdf", [["First page ends here."], ["Second page starts here."]])
    lf = loaded(f)
    (c,) = attach(chunk_lines(lf.lines, f.name, lf.file_hash, 180, 40, lf.breaks), lf.locs)
    loc, text = locate(c, c.start_line, c.end_line)
    assert loc["page"] == 1 and loc["end_page"] == 2 and text == "pages 1\u20132"


@pytest.mark.parametrize("loc, text", [
    ({"page": 7, "line": 3}, "page 7"),
    ({"slide": 3}, "slide 3"),
    ({"sheet": "Prices", "row": 12, "end_row": 14}, "sheet Prices, rows 12\u201314"),
    ({"row": 4}, "row 4"),
    ({"section": "Pricing", "paragraph": 4}, "\u201cPricing\u201d, paragraph 4"),
    ({"section": "", "paragraph": 2}, "paragraph 2"),
    ({"line": 3, "end_line": 5}, "lines 3\u20135"),
])
def test_labels(loc, text):
    assert label(loc) == text


def test_text_chunks_keep_line_citations(tmp_path):
    (tmp_path / "a.txt").write_text("one\ntwo\nthree\n")
    lf = loaded(tmp_path / "a.txt")
    (c,) = attach(chunk_lines(lf.lines, "a.txt", lf.file_hash, 180, 40, lf.breaks), lf.locs)
    assert c.locs == "" and "locs" not in c.metadata()
    assert locate(c, 2, 3) == ({"line": 2, "end_line": 3}, "lines 2\u20133")


# -- bad input: a reason, never a crash ---------------------------------------------
def _docx(tmp_path):
    return docx_file(tmp_path / "src.docx", [("p", "Some words.")])


def _truncated(tmp_path):
    data = _docx(tmp_path).read_bytes()
    return data[: len(data) // 2]


def _other_zip(tmp_path):
    p = tmp_path / "z.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "not a document")
    return p.read_bytes()


BAD = {
    "password PDF": ("locked.pdf", lambda t: pdf_file(t / "x.pdf", [["secret"]], user_password="pw").read_bytes(), "password-protected"),
    "password Word": ("locked.docx", lambda t: encrypt_office(_docx(t), t / "e.docx").read_bytes(), "password-protected"),
    "password Excel": ("locked.xlsx", lambda t: encrypt_office(xlsx_file(t / "s.xlsx", {"S": [["a"], ["b"]]}), t / "e.xlsx").read_bytes(), "password-protected"),
    "truncated Word": ("cut.docx", _truncated, "corrupt or truncated Word document"),
    "garbage Excel": ("junk.xlsx", lambda t: b"PK\x03\x04" + b"\x00" * 300, "corrupt or truncated Excel workbook"),
    "not a zip PowerPoint": ("junk.pptx", lambda t: b"just some text pretending", "corrupt or truncated PowerPoint"),
    "docx that is another zip": ("other.docx", _other_zip, "a zip archive of another kind"),
    "xlsx named .docx": ("sheet.docx", lambda t: xlsx_file(t / "s.xlsx", {"S": [["a"], ["b"]]}).read_bytes(), "a zip archive of another kind"),
    "images-only PDF": ("scan.pdf", lambda t: pdf_file(t / "i.pdf", [], image_only=True).read_bytes(), "no text (images only; OCR is not included)"),
    "images-only Word": ("scan.docx", lambda t: docx_file(t / "i.docx", [], image_only=True).read_bytes(), "no text (images only; OCR is not included)"),
    "images-only PowerPoint": ("scan.pptx", lambda t: pptx_file(t / "i.pptx", [], image_only=True).read_bytes(), "no text (images only; OCR is not included)"),
    "legacy .doc": ("old.doc", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy format: save it as .docx"),
    "legacy .ppt": ("old.ppt", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy format: save it as .pptx"),
    "legacy .xls": ("old.xls", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy format: save it as .xlsx"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_gets_a_reason(tmp_path, case):
    name, make, reason = BAD[case]
    p = tmp_path / name
    p.write_bytes(make(tmp_path))
    with pytest.raises(SkipFile) as e:
        loaded(p)
    assert reason in str(e.value)


def test_macro_enabled_workbook_is_read_and_nothing_runs(tmp_path):
    import xlsxwriter

    marker = tmp_path / "pwned"
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(f'Sub Auto_Open()\n Shell "touch {marker}"\nEnd Sub\n'.encode())
    path = tmp_path / "tool.xlsm"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("Data").write_row(0, 0, ["Name", "Value"])
    wb.worksheets()[0].write_row(1, 0, ["alpha", 7])
    wb.add_vba_project(str(vba))
    wb.close()
    lf = loaded(path)
    assert by_line(lf)["Name: alpha | Value: 7"] == {"sheet": "Data", "row": 2}
    assert any("macros are never run" in n for n in lf.notes)
    assert not marker.exists()


def test_row_limit_reads_the_first_rows_and_counts_the_rest(tmp_path):
    f = xlsx_file(tmp_path / "big.xlsx", {"Rows": [["n", "sq"]] + [[i, i * i] for i in range(1, 51)]})
    lf = loaded(f, max_rows=11)
    rows = [loc["row"] for ln, loc in zip(lf.lines, lf.locs) if ln.strip()]
    assert rows == list(range(1, 12))
    assert any("40 more left out" in n for n in lf.notes)
    c = csv_file(tmp_path / "big.csv", [["n"]] + [[i] for i in range(30)])
    assert any("20 more left out" in n for n in loaded(c, max_rows=11).notes)


def test_uploading_a_legacy_file_says_how_to_convert_it():
    from assistant.errors import UploadRejectedError
    from assistant.ui.uploads import safe_name

    with pytest.raises(UploadRejectedError) as e:
        safe_name("Budget 2019.XLS")
    assert "legacy format: save it as .xlsx" in e.value.user_message()
    assert safe_name("deck.pptx") == "deck.pptx" and safe_name("rows.csv") == "rows.csv"
