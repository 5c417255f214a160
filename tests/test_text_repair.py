"""Text repaired at ingest: doubly encoded UTF-8, ligature characters and soft hyphens."""
import json
from pathlib import Path

import pytest

from assistant.loaders.text import decode_text, plain_letters, repair_mojibake


@pytest.mark.parametrize("broken, fixed", [
    ("BeyoncÃ© was born in Houston.", "Beyoncé was born in Houston."),
    ("Horace-BÃ©nÃ©dict de Saussure (1740â\x80\x931799)", "Horace-Bénédict de Saussure (1740–1799)"),  # read as Latin-1
    ("Itâ€™s a â€œquoteâ€\x9d", "It’s a “quote”"),  # read as Windows-1252
    ("Â£5 and â‚¬10", "£5 and €10"),
])
def test_doubly_encoded_text_is_repaired(broken, fixed):
    assert repair_mojibake(broken) == fixed
    notes: list[str] = []
    assert decode_text(broken.encode("utf-8"), notes) == fixed and len(notes) == 1


@pytest.mark.parametrize("text", [
    "café au lait, naïve, Zürich",  # real accents are no UTF-8 bytes: left alone
    "Ã© alone in a naïve text",  # only part of it would decode: left alone
    "plain ascii",
])
def test_text_that_is_not_doubly_encoded_is_left_alone(text):
    assert repair_mojibake(text) is text
    notes: list[str] = []
    assert decode_text(text.encode("utf-8"), notes) == text and notes == []


@pytest.mark.slow
def test_a_mis_encoded_file_is_answered_and_quoted_in_its_real_characters(make_workspace):
    """Real file, index and model: the question's "Bénédict" finds the repaired text, and the report says so."""
    text = ("Alpine explorers\n\n"
            "The first to study the glaciers closely was Horace-Bénédict de Saussure (1740–1799), a naturalist "
            "from Geneva.\n\nHe climbed Mont Blanc in 1787, a year after its first ascent.\n")
    ws = make_workspace("persistent", "mojibake", files={"alps.txt": text.encode("utf-8").decode("latin-1").encode("utf-8")})
    r = ws.cli("ingest", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert "repaired mis-encoded characters" in report["files"][0]["note"], report
    ans = ws.answer("When did Horace-Bénédict de Saussure climb Mont Blanc?", "1787")
    assert "Ã" not in ans["answer"]
    ans = ws.answer("Where was Horace-Bénédict de Saussure from?", "Geneva")
    assert "Horace-Bénédict de Saussure (1740–1799)" in ans["citations"][0]["quote"]


def test_ligatures_are_spelled_out_and_soft_hyphens_dropped():
    assert plain_letters("The ﬁnancial outlook is ﬂat; ﬀ ﬃ ﬄ.") == "The financial outlook is flat; ff ffi ffl."
    assert plain_letters("infor\u00admation") == "information"
    assert decode_text("ﬁrst line\nsecond ﬂoor\n".encode("utf-8")) == "first line\nsecond floor\n"  # lines unchanged
    assert decode_text("\ufeffﬁle\r\n".encode("utf-8")) == "file\n"  # a file with a byte-order mark too
    assert decode_text("ﬁle".encode("utf-16")) == "file"


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.slow
@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font to draw ligature glyphs into a PDF")
def test_a_pdf_whose_text_layer_has_ligatures_is_found_by_plain_words(make_workspace):
    """A real PDF (fpdf2, a TrueType font with the ligature glyphs): the question's "financial" finds "ﬁnancial"."""
    from fpdf import FPDF

    ws = make_workspace("persistent", "ligatures", files={})
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for line in ("Quarterly report", "The ﬁnancial year closed with a proﬁt of 4.2 million euros.",
                 "The new ofﬁce in Lyon opened in March."):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(ws.corpus / "report.pdf"))
    assert ws.cli("ingest").returncode == 0
    ans = ws.answer("What profit did the financial year close with?", "profit of 4.2 million euros")
    assert ans["citations"][0]["source"] == "report.pdf" and "ﬁ" not in ans["answer"]
