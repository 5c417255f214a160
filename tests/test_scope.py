"""A team's working documents: bullets without full stops, field lines, headings that scope items, transcripts, code blocks."""
from __future__ import annotations

import pytest

from assistant.boilerplate import display_text, field_name, is_boilerplate, is_heading
from assistant.chunking import chunk_lines
from assistant.loaders.text import split_lines
from assistant.headings import with_headings
from assistant.scope import quoted, scope_lines
from assistant.spans import sentence_spans

NOTES_MD = """# Platform team weekly sync — 14 October 2025

Attendees: Priya Raman (chair), Tomasz Nowak, Aiko Sato, Daniel Okafor
Timekeeper: Aiko

## Decisions
- The Q4 infrastructure budget was approved at $42,000.
- Aiko owns the on-call rotation rewrite.

## Action items
- Tomasz: draft the incident review template (due 21 October)
- Priya: book the offsite venue in Lisbon

## Links
- Home
- About Us
"""

CHANGELOG_MD = """# Changelog

## 2.4.0 — 2025-09-02
### Added
- Export to Parquet from the `dump` command.

## 2.3.1 — 2025-07-15
### Fixed
- A crash on empty CSV files.
- Sessions timed out after 15 minutes even when "Keep me signed in" was ticked on the sign-in page

## 2.3.0 — 2025-06-01
### Changed
- The minimum supported Python version is now 3.10.
### Removed
- The deprecated `legacy-auth` plugin.
"""

INTERVIEW_TXT = """Transcript: customer interview, Harbour Logistics, 3 March 2025

INTERVIEWER: How many depots do you run today?
MARIA LOPES: We run eleven depots, mostly along the northern coast.
INTERVIEWER: What tool do you use for route planning?
MARIA LOPES: We moved to RouteWise two years ago.
"""

FAQ_MD = """# Frequently asked questions

**Q: Can I change my billing date?**
A: Yes. Go to Settings > Billing and pick any day between the 1st and the 28th.

**Q: How do I delete my account?**
A: Email privacy@example.org from the address on the account. Deletion completes within 30 days.
"""

README_MD = """# quickgrid

quickgrid renders large tables in the terminal.

## Installation

Install it from PyPI:

```
pip install quickgrid
```

quickgrid needs Python 3.10 or newer.

## Usage

Run `quickgrid data.csv` to view a file. Press `q` to quit and `/` to search.
"""


def _spans(text: str, source: str = "doc.md", tokens: int = 400):
    lines = split_lines(text)
    chunks = with_headings(chunk_lines(lines, source, "h" * 16, tokens, 0), lines)
    return {sp.text: sp for c in chunks for sp in sentence_spans(c)}


def test_bullets_and_field_lines_that_say_something_are_not_headings():
    spans = _spans(NOTES_MD)
    for said in ("- Tomasz: draft the incident review template (due 21 October)", "- Priya: book the offsite venue in Lisbon",
                 "Attendees: Priya Raman (chair), Tomasz Nowak, Aiko Sato, Daniel Okafor"):
        assert not is_heading(spans[said]) and not is_boilerplate(spans[said]), said
    for menu in ("- Home", "- About Us", "## Decisions", "# Platform team weekly sync — 14 October 2025"):
        assert is_boilerplate(spans[menu]), menu


def test_a_field_that_names_someone_is_content_and_no_heading():
    """"Timekeeper: Aiko" was read as a heading: never quoted, and it scoped the lines under it."""
    text = ("# Planning, 6 May\n\nFacilitator: Priya Raman\nTimekeeper: Aiko\nReported by: Tomasz Nowak\n"
            "The budget was approved.\n\nUpdate: New Features\n\nChapter: Beginnings\n\nAuthor: Daniel Okafor\n")
    spans = _spans(text)
    for field in ("Facilitator: Priya Raman", "Timekeeper: Aiko", "Reported by: Tomasz Nowak"):
        assert not is_heading(spans[field]) and not is_boilerplate(spans[field]), field
    assert field_name("Timekeeper: Aiko") == "Aiko" and field_name("Update: New Features") is None
    assert scope_lines(spans["The budget was approved."]) == ["Planning, 6 May"]
    for label in ("Update: New Features", "Chapter: Beginnings"):  # title-case labels stay headings
        assert is_heading(spans[label]), label
    assert is_boilerplate(spans["Author: Daniel Okafor"])  # a byline


def test_a_memo_subject_is_its_heading_and_a_dated_field_is_content():
    """"Date: 28 April 2025" was a heading that dated the lines under it; "Subject: ..." was quoted as the answer."""
    text = ("MEMO\n\nTo: everyone\nFrom: Ines\nDate: 28 April 2025\nSubject: we're moving to Brackenhall Works\n\n"
            "From Monday 4 August we'll be at Brackenhall Works, unit 7.\n")
    spans = _spans(text, "memo.txt")
    assert is_heading(spans["Subject: we're moving to Brackenhall Works"])
    assert not is_heading(spans["Date: 28 April 2025"]) and not is_boilerplate(spans["Date: 28 April 2025"])
    assert scope_lines(spans["From Monday 4 August we'll be at Brackenhall Works, unit 7."]) == \
        ["Subject: we're moving to Brackenhall Works", "MEMO"]


def test_a_hard_wrapped_line_is_no_heading_over_the_list_after_it():
    text = ("# httpkit\n\n## Features\n\nhttpkit brings many critical features that are missing from the Python\n"
            "standard libraries:\n\n- Thread safety.\n- Proxy support for HTTP and SOCKS.\n")
    spans = _spans(text, "README.md")
    assert scope_lines(spans["- Proxy support for HTTP and SOCKS."]) == ["Features", "httpkit"]
    assert quoted("Which proxies does httpkit support in its features?", spans["- Proxy support for HTTP and SOCKS."]) == \
        "Features: Proxy support for HTTP and SOCKS."


def test_a_changelog_item_is_scoped_by_its_section_and_version():
    spans = _spans(CHANGELOG_MD)
    assert scope_lines(spans["- The deprecated `legacy-auth` plugin."]) == ["Removed", "2.3.0 — 2025-06-01", "Changelog"]
    assert scope_lines(spans["- A crash on empty CSV files."]) == ["Fixed", "2.3.1 — 2025-07-15", "Changelog"]


def test_a_short_line_or_list_item_is_quoted_after_its_headings_only_when_they_hold_what_was_asked():
    spans = _spans(CHANGELOG_MD)
    crash = spans["- A crash on empty CSV files."]
    assert quoted("Which version fixed the crash on empty CSV files?", crash) == \
        "2.3.1 — 2025-07-15 › Fixed: A crash on empty CSV files."
    assert quoted("When was Parquet export added?", spans["- Export to Parquet from the `dump` command."]) == \
        "2.4.0 — 2025-09-02 › Added: Export to Parquet from the `dump` command."  # the date is in the heading
    assert quoted("Is there a crash on empty CSV files?", crash) == "- A crash on empty CSV files."  # nothing asked is up there
    # "Which release ...?" asks for the version above, though it shares no word with the headings.
    assert quoted("Which release dropped the legacy-auth plugin?", spans["- The deprecated `legacy-auth` plugin."]) == \
        "2.3.0 — 2025-06-01 › Removed: The deprecated `legacy-auth` plugin."
    # A list item belongs to its section however long it runs (this one is 19 words).
    timeout = spans['- Sessions timed out after 15 minutes even when "Keep me signed in" was ticked on the sign-in page']
    assert quoted("Which release fixed the session timeout?", timeout) == \
        '2.3.1 — 2025-07-15 › Fixed: Sessions timed out after 15 minutes even when "Keep me signed in" was ticked on the sign-in page'
    notes = _spans(NOTES_MD)
    offsite = notes["- Priya: book the offsite venue in Lisbon"]
    assert quoted("Where is the offsite?", offsite) == "- Priya: book the offsite venue in Lisbon"


def test_wiki_headings_scope_their_section_and_a_title_is_no_section():
    text = "The Alps\n\nThe Alps are a mountain range in Europe.\n\n== Passes ==\n\nThe Brenner Pass is the lowest.\n"
    spans = _spans(text, "alps.txt")
    assert scope_lines(spans["The Brenner Pass is the lowest."]) == ["Passes", "The Alps"]
    assert scope_lines(spans["The Alps are a mountain range in Europe."], with_title=False) == []


def test_a_question_about_a_version_names_it_exactly():
    from assistant.answer_types import focus_entities, versions_named, without_focus

    assert versions_named("When was version 2.4.0 released?") == {"2.4.0"}
    assert versions_named("Does v3.1 support SSO?") == {"v3.1"}
    assert versions_named("It costs 3.5 million") == set()  # a figure, not a version
    assert "2.4.0" in focus_entities("What was removed in 2.4.0?")
    assert without_focus("When was version 2.4.0 released?") == "When was version released?"


def test_a_chunk_that_starts_inside_a_section_still_knows_its_headings():
    spans = _spans(CHANGELOG_MD, tokens=20)  # many small chunks: most start below their headings
    item = spans["- The deprecated `legacy-auth` plugin."]
    assert item.chunk.start_line > 11  # the version heading is in an earlier chunk
    assert scope_lines(item)[1:] == ["2.3.0 — 2025-06-01", "Changelog"]


def test_a_transcript_answer_is_scoped_by_the_question_before_it_and_the_title():
    spans = _spans(INTERVIEW_TXT, "interview.txt")
    scope = scope_lines(spans["MARIA LOPES: We moved to RouteWise two years ago."])
    assert scope == ["INTERVIEWER: What tool do you use for route planning?",
                     "Transcript: customer interview, Harbour Logistics, 3 March 2025"]


def test_an_faq_answer_is_scoped_by_its_emphasised_question():
    from assistant.boilerplate import asks
    from assistant.scope import question_line

    assert asks("**Q: How do I delete my account?**") and not asks("## Removed")
    spans = _spans(FAQ_MD, "faq.md")
    assert question_line(spans["Deletion completes within 30 days."]) == "**Q: How do I delete my account?**"
    assert is_boilerplate(spans["**Q: How do I delete my account?**"])  # the question is never the answer


def test_code_is_no_heading_for_what_follows():
    spans = _spans(README_MD)
    assert scope_lines(spans["quickgrid needs Python 3.10 or newer."]) == ["Installation", "quickgrid"]


def test_a_code_block_keeps_its_lines_in_the_answer():
    from dataclasses import replace

    span = _spans(README_MD)["Install it from PyPI:"]
    block = replace(span, text="Install it from PyPI:\n\n```\npip install quickgrid\n```")
    assert display_text(block) == "Install it from PyPI:\n\n```\npip install quickgrid\n```"


@pytest.mark.slow
def test_a_teams_documents_answer_from_their_bullets_headings_and_transcripts(make_workspace):
    """Real files, real index and model. Before scopes, every one of these was refused or answered from the wrong line."""
    ws = make_workspace("persistent", "scope", files={"meeting-notes.md": NOTES_MD, "CHANGELOG.md": CHANGELOG_MD,
                                                      "interview.txt": INTERVIEW_TXT, "README.md": README_MD, "faq.md": FAQ_MD})
    assert ws.cli("ingest").returncode == 0
    cases = [
        ("Where is the offsite?", "Lisbon", "meeting-notes.md", 12),
        ("Who chaired the platform team sync?", "Priya Raman (chair)", "meeting-notes.md", 3),
        ("Who kept time at the platform team sync?", "Timekeeper: Aiko", "meeting-notes.md", 4),  # a one-word name
        ("What was removed in 2.3.0?", "legacy-auth", "CHANGELOG.md", 16),
        ("Which version fixed the crash on empty CSV files?", "2.3.1", "CHANGELOG.md", 9),
        ("When was version 2.4.0 released?", "2025-09-02", "CHANGELOG.md", 5),  # not 2.3.0's "Python version" line
        ("When was Parquet export added?", "2025-09-02", "CHANGELOG.md", 5),
        ("How many depots does Harbour Logistics run?", "eleven depots", "interview.txt", 4),
        ("How do I install quickgrid?", "pip install quickgrid", "README.md", 7),
        ("How do I quit quickgrid?", "Press `q` to quit", "README.md", 17),
        # The FAQ's answer starts its line, however close "Deletion completes" reads to "delete".
        ("How do I delete my account?", "privacy@example.org", "faq.md", 7),
        ("Can I change my billing date?", "Settings > Billing", "faq.md", 4),  # "A: Yes." brings the how
    ]
    for question, fact, source, line in cases:
        ans = ws.answer(question, fact)
        cite = ans["citations"][0]
        assert (cite["source"], cite["start_line"]) == (source, line), (question, ans["citations"])
    # The field's one-word name is the "who" answer: no second sentence is added for a name.
    assert len(ws.answer("Who kept time at the platform team sync?", "Aiko")["citations"]) == 1
