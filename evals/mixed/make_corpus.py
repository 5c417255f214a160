"""Build the mixed-format eval corpus and its gold file: ``python evals/mixed/make_corpus.py``.

The facts are the reference passages of gold items in ``evals/gold/xiaomi.json``
(single-fact and paraphrase items), written into four real files by the
libraries made for each format: a multi-page PDF (fpdf2, with a blank page so
page numbers are tested), a PowerPoint deck (python-pptx), an Excel workbook
(openpyxl, one fact on a hidden sheet) and a Word document (python-docx, with
headings). Every place a passage is written is recorded, so each gold item
says where its answer is: page, slide, sheet and row, or section and paragraph.
The unanswerable items come along unchanged: their answers are in no file.

Writes ``evals/mixed/corpus/*`` and ``evals/gold/mixed.json``, and the same
passages as plain text in ``evals/mixed/plain/`` (one .txt per file, a
paragraph per passage), so the format's effect on answers can be measured
apart from the content's: ``assistant eval --dataset evals/gold/mixed.json
--corpus evals/mixed/plain`` (its locator metric is meaningless there). Run it again
after changing the layout; the files are committed so the eval needs nothing
but the repository.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent / "gold"
CORPUS = HERE / "corpus"
PLAIN = HERE / "plain"
FORMATS = ("history.pdf", "launch.pptx", "figures.xlsx", "strategy.docx")
SECTIONS = ("Background", "The first car", "Markets", "Risks")  # Word headings, in turn
WHEN = dt.datetime(2025, 1, 1)  # fixed file dates, so a rebuild differs only where the content does


def main() -> None:
    examples = json.loads((GOLD / "xiaomi.json").read_text(encoding="utf-8"))["examples"]
    answerable = [e for e in examples if e["category"] in ("single_fact", "paraphrase")]
    refusals = [e for e in examples if e["category"] == "unanswerable"]
    passages: list[str] = []
    for e in answerable:
        for c in e["reference_contexts"]:
            if c not in passages:
                passages.append(c)
    groups = {f: [p for i, p in enumerate(passages) if i % len(FORMATS) == k] for k, f in enumerate(FORMATS)}
    CORPUS.mkdir(parents=True, exist_ok=True)
    PLAIN.mkdir(parents=True, exist_ok=True)
    for name, group in groups.items():
        (PLAIN / f"{Path(name).stem}.txt").write_text("\n\n".join(group) + "\n", encoding="utf-8")
    where: dict[str, tuple[str, dict]] = {}
    for name, write in (("history.pdf", _pdf), ("launch.pptx", _pptx), ("figures.xlsx", _xlsx), ("strategy.docx", _docx)):
        for passage, loc in write(CORPUS / name, groups[name]).items():
            where[passage] = (name, loc)
    items = []
    for e in answerable:
        places = [where[c] for c in e["reference_contexts"]]
        items.append({**e, "id": f"mixed-{e['id']}", "gold_sources": sorted({s for s, _ in places}),
                      "gold_locators": [{"source": s, **loc} for s, loc in places]})
    items += [{**e, "id": f"mixed-{e['id']}", "gold_locators": []} for e in refusals]
    (GOLD / "mixed.json").write_text(json.dumps({"examples": items}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(passages)} passages in {len(FORMATS)} files; {len(items)} gold items -> {GOLD / 'mixed.json'}")


def _pdf(path: Path, passages: list[str]) -> dict[str, dict]:
    """Two passages a page under a heading, and page 2 left blank."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(WHEN)
    pdf.set_font("Helvetica", size=11)
    out, page = {}, 0
    for i in range(0, len(passages), 2):
        page += 1
        pdf.add_page()
        if page == 2:  # an empty page: every later page number must still be right
            pdf.add_page()
            page += 1
        pdf.multi_cell(0, 7, f"Xiaomi notes, part {i // 2 + 1}", new_x="LMARGIN", new_y="NEXT")
        line = 2
        for p in passages[i : i + 2]:
            pdf.multi_cell(0, 7, p, new_x="LMARGIN", new_y="NEXT")
            out[p] = {"page": page}
            line += 1
    pdf.output(str(path))
    return out


def _pptx(path: Path, passages: list[str]) -> dict[str, dict]:
    """One passage a slide; every third one in the speaker notes instead of the body."""
    import pptx

    prs = pptx.Presentation()
    prs.core_properties.created = prs.core_properties.modified = WHEN
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = "Xiaomi EV briefing"
    out = {}
    for i, p in enumerate(passages, start=2):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"Point {i - 1}"
        if i % 3 == 0:
            slide.placeholders[1].text = "See the notes."
            slide.notes_slide.notes_text_frame.text = p
        else:
            slide.placeholders[1].text = p
        out[p] = {"slide": i}
    prs.save(path)
    return out


def _xlsx(path: Path, passages: list[str]) -> dict[str, dict]:
    """A "Facts" sheet whose table starts at row 3 under a title, and the last passage on a hidden sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = WHEN
    ws = wb.active
    ws.title = "Facts"
    ws["A1"] = "Xiaomi facts sheet"
    ws.append([])
    ws.append(["Statement", "Topic"])
    out = {}
    shown, hidden = passages[:-1], passages[-1:]
    for p in shown:
        ws.append([p, "Xiaomi EV"])
        out[p] = {"sheet": "Facts", "row": ws.max_row}
    extra = wb.create_sheet("Archive")
    extra.sheet_state = "hidden"
    extra.append(["Statement", "Topic"])
    for p in hidden:
        extra.append([p, "Xiaomi EV"])
        out[p] = {"sheet": "Archive", "row": extra.max_row}
    wb.save(path)
    return out


def _docx(path: Path, passages: list[str]) -> dict[str, dict]:
    """Headings in turn, each over one or two passages."""
    import docx

    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = WHEN
    d.add_heading("Xiaomi EV strategy", 0)
    para, out = 1, {}
    for i, p in enumerate(passages):
        if i % 2 == 0:
            heading = SECTIONS[(i // 2) % len(SECTIONS)]
            d.add_heading(heading, 1)
            para += 1
        d.add_paragraph(p)
        para += 1
        out[p] = {"section": heading, "paragraph": para}
    d.save(path)
    return out


if __name__ == "__main__":
    main()
