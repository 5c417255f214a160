"""Tables and sheet rows as answers: a row reads on its own, is one span, and is quoted and cited by itself."""
from __future__ import annotations

import pytest
from office_docs import csv_file, docx_file

from assistant.boilerplate import is_boilerplate
from assistant.chunking import chunk_lines
from assistant.loaders import load
from assistant.loaders.markdown import bind_table_rows
from assistant.loaders.text import split_lines
from assistant.spans import is_table_row, sentence_spans

PRICING_MD = """# Plans and prices

Quillnote has three plans. All prices are in US dollars.

| | **Free** | Plus | Team |
|---|:---:|---|---|
| Total storage | 2 GB | 100 GB | 1 TB |
| Version history | 7 days | 1 year | Unlimited |
| Notes | a \\| b | | c |

Annual billing is 25% cheaper than monthly billing.
"""


def test_markdown_table_rows_name_their_columns_and_keep_their_lines():
    lines = split_lines(PRICING_MD)
    bound = bind_table_rows(lines)
    assert len(bound) == len(lines)
    assert bound[4:6] == lines[4:6]  # the header and the |---| line are left as they are
    assert bound[6] == "Total storage | Free: 2 GB | Plus: 100 GB | Team: 1 TB\n"
    assert bound[7] == "Version history | Free: 7 days | Plus: 1 year | Team: Unlimited\n"
    assert bound[8] == "Notes | Free: a | b | Team: c\n"  # an escaped pipe stays in its cell; an empty cell is left out
    assert bound[9:] == lines[9:]  # the table ended at the blank line


def test_links_and_emphasis_in_cells_read_as_their_text():
    lines = split_lines("| Plan | Limit |\n|---|---|\n| [**Plus**](/plans#plus) | `100 GB` |\n")
    assert bind_table_rows(lines)[2] == "Plan: Plus | Limit: 100 GB\n"


def test_only_markdown_is_rewritten(tmp_path):
    (tmp_path / "p.md").write_text(PRICING_MD, encoding="utf-8")
    (tmp_path / "p.txt").write_text(PRICING_MD, encoding="utf-8")
    assert "Plus: 100 GB" in load(tmp_path / "p.md", "p.md", 10**6).lines[6]
    assert load(tmp_path / "p.txt", "p.txt", 10**6).lines[6] == "| Total storage | 2 GB | 100 GB | 1 TB |\n"


def test_a_pipe_line_without_a_header_separator_is_no_table():
    lines = split_lines("a | b\nc | d\n")
    assert bind_table_rows(lines) == lines


def test_each_row_is_one_quotable_span(tmp_path):
    (tmp_path / "p.md").write_text(PRICING_MD, encoding="utf-8")
    lf = load(tmp_path / "p.md", "p.md", 10**6)
    chunk = chunk_lines(lf.lines, "p.md", lf.file_hash, 400, 0)[0]
    spans = {sp.start_line: sp for sp in sentence_spans(chunk)}
    row = spans[7]
    assert row.text == "Total storage | Free: 2 GB | Plus: 100 GB | Team: 1 TB" and row.end_line == 7
    assert not is_boilerplate(row) and not is_boilerplate(spans[8])
    assert is_boilerplate(spans[5]) and is_boilerplate(spans[6])  # the header names no values; |---| is markup


def test_csv_rows_are_spans_of_their_own_even_without_full_stops(tmp_path):
    csv_file(tmp_path / "plans.csv", [["Plan", "Storage", "Support"], ["Free", "2 GB", "Community forum"],
                                      ["Plus", "100 GB", "Email within 2 business days"]])
    lf = load(tmp_path / "plans.csv", "plans.csv", 10**6)
    chunk = chunk_lines(lf.lines, "plans.csv", lf.file_hash, 400, 0)[0]
    spans = sentence_spans(chunk)
    assert [sp.text for sp in spans if not is_boilerplate(sp)] == [
        "Plan: Free | Storage: 2 GB | Support: Community forum",
        "Plan: Plus | Storage: 100 GB | Support: Email within 2 business days",
    ]
    assert [sp.start_line for sp in spans if not is_boilerplate(sp)] == [2, 3]


def test_html_table_rows_name_their_columns():
    from assistant.loaders.text import html_text

    page = ("<h1>Plans</h1><p>Three plans.</p><table><thead><tr><th>Plan</th><th>Storage</th></tr></thead>"
            "<tr><td>Free</td><td>2 GB</td></tr><tr><td>Plus</td><td><b>100</b> GB</td></tr></table>"
            "<table><tr><th>Total storage</th><td>2 GB</td></tr></table><p>After.</p>")
    assert html_text(page).splitlines() == ["Plans", "Three plans.", "Plan | Storage", "Plan: Free | Storage: 2 GB",
                                            "Plan: Plus | Storage: 100 GB", "Total storage | 2 GB", "After."]


def test_merged_html_cells_name_every_row_they_cover():
    from assistant.loaders.text import html_text

    page = ("<table><thead><tr><th>Region</th><th>Depot</th><th>Staff</th></tr></thead>"
            "<tr><td rowspan='2'>North</td><td>Kessary</td><td>120</td></tr><tr><td>Dunmere</td><td>45</td></tr>"
            "<tr><td>South</td><td colspan=2>closed in 2024</td></tr>"
            "<tr><td rowspan='x'>West</td><td colspan='99999'>Harbour</td></tr></table>")  # bad and huge spans
    lines = html_text(page).splitlines()
    assert lines[:4] == ["Region | Depot | Staff", "Region: North | Depot: Kessary | Staff: 120",
                         "Region: North | Depot: Dunmere | Staff: 45",
                         "Region: South | Depot: closed in 2024 | Staff: closed in 2024"]
    assert lines[4] == "Region: West | Depot: Harbour | Staff: Harbour"  # a span past the last column stops there


@pytest.mark.parametrize("line, row", [
    ("Plan: Plus | Storage: 100 GB", True),
    ("Total storage | Free: 2 GB | Plus: 100 GB", True),
    ("Statement: Xiaomi sold 120,000 cars. | Topic: Xiaomi EV", True),
    ("Columns: Plan | Storage", False),  # a CSV's header line
    ("Sheet Prices: Model | Price", False),  # a sheet's title line
    ("Plan | Storage | Price", False),  # a header row: no cell names its column
    ("Home | About | Contact", False),
    ("The ratio is 3:2 on most days.", False),
])
def test_what_counts_as_a_row(line, row):
    assert is_table_row(line) is row


@pytest.mark.slow
def test_questions_about_a_table_are_answered_from_its_row(make_workspace):
    """Real files, real index and model: the row that holds the answer is quoted and cited, by itself."""
    ws = make_workspace("persistent", "tables", files={"pricing.md": PRICING_MD})
    csv_file(ws.corpus / "support.csv", [["Plan", "Support", "Response time"], ["Free", "Community forum", "none"],
                                         ["Plus", "Email", "2 business days"], ["Team", "Live chat", "8 business hours"]])
    docx_file(ws.corpus / "offices.docx", [("h1", "Offices"), ("table", [["City", "Staff"], ["Oslo", "80"], ["Toronto", "40"]])])
    (ws.corpus / "oncall.html").write_text(
        "<html><body><h1>On-call pay</h1><p>Engineers on call are paid per shift.</p><table>"
        "<tr><th>Shift</th><th>Rate</th></tr><tr><td>Weeknight</td><td>40 euros</td></tr>"
        "<tr><td>Weekend day</td><td>95 euros</td></tr></table></body></html>", encoding="utf-8")
    (ws.corpus / "depots.html").write_text(
        "<html><body><h1>Depots</h1><table><tr><th>Region</th><th>Depot</th><th>Staff</th></tr>"
        "<tr><td rowspan='2'>North</td><td>Kessary</td><td>120</td></tr><tr><td>Dunmere</td><td>45</td></tr>"
        "<tr><td>South</td><td>Brask</td><td>60</td></tr></table></body></html>", encoding="utf-8")
    assert ws.cli("ingest").returncode == 0
    cases = [
        ("Which region is the Dunmere depot in?", "Region: North | Depot: Dunmere", "depots.html", {"line": 4}),  # a merged cell
        ("How long is version history kept on the Team plan?", "Team: Unlimited", "pricing.md", {"line": 8}),
        ("How much storage does the Plus plan have?", "Plus: 100 GB", "pricing.md", {"line": 7}),
        ("How fast does support answer on the Team plan?", "8 business hours", "support.csv", {"row": 4}),
        ("how fast does support answer on the team plan", "8 business hours", "support.csv", {"row": 4}),  # no capitals
        ("How many staff work in the Toronto office?", "Staff: 40", "offices.docx", {"row": 3}),
        ("What is the on-call rate for a weekend day?", "Rate: 95 euros", "oncall.html", {"line": 5}),
    ]
    for question, fact, source, where in cases:
        ans = ws.answer(question, fact)
        cite = ans["citations"][0]
        assert cite["source"] == source, (question, ans["citations"])
        if "line" in where:
            assert cite["start_line"] == cite["end_line"] == where["line"]
        else:
            assert cite["locator"]["row"] == where["row"]
        assert "\n" not in cite["quote"].strip()  # one row, not the table


def test_a_row_is_named_by_its_short_cells_not_by_prose_in_a_cell():
    from assistant.named import cells_named

    asked = " how fast does support answer on the team plan "
    assert cells_named("Plan: Team | Support: Live chat | Response time: 8 business hours", asked) == 3
    assert cells_named("Plan: Plus | Support: Email | Response time: 2 business days", asked) == 2
    prose = "Statement: In 2023 the company unveiled its first car at an event. | Topic: Xiaomi EV"
    assert cells_named(prose, " why is the company s second car a good fit for its first push abroad ") == 0
