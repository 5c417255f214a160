"""Sentence ends: abbreviations and initials do not end a sentence; glued paragraphs do split."""
import pytest

from assistant.sentences import split_sentences
from assistant.scope import paragraph
from assistant.spans import sentence_spans
from assistant.support import whole_sentences
from assistant.types import Chunk


def _split(line: str) -> list[str]:
    parts = split_sentences(line)
    assert "".join(parts) == line  # every split keeps the characters
    return [p.strip() for p in parts]


@pytest.mark.parametrize("line", [
    "We opened a bakery on Selby Avenue in St. Paul, and it did well.",
    "Mr. Olberg was visibly confused when I said so.",
    "Dr. Ruth Hale and Prof. Amos Finch wrote it.",
    "John F. Kennedy spoke first.",
    "See No. 5 on the list and pp. 12 of the report.",
    "Pick a colour, e.g. Red or Blue, and a size, i.e. the width.",
    "It weighs approx. five kilograms.",
    "Martin Luther King Jr. was born in Atlanta.",
    "3. Enter a name, choose the scopes, and pick an expiry date.",  # a numbered step is not "3." and a sentence
])
def test_abbreviations_and_initials_end_no_sentence(line):
    assert _split(line) == [line]


@pytest.mark.parametrize("line, parts", [
    ("No. The plan has no limit.", ["No.", "The plan has no limit."]),  # a one-word answer is a sentence
    ("It was sold in the U.S. The price fell.", ["It was sold in the U.S.", "The price fell."]),
    ('He said "Go." Then it left! Really? Yes.', ['He said "Go."', "Then it left!", "Really?", "Yes."]),
    ("Prices rose 3.5 percent. Sales fell.", ["Prices rose 3.5 percent.", "Sales fell."]),
    ("It opened in 2019. Then it closed.", ["It opened in 2019.", "Then it closed."]),
    ("1. Open Settings. Then click Save.", ["1. Open Settings.", "Then click Save."]),
])
def test_ordinary_sentence_ends_still_split(line, parts):
    assert _split(line) == parts


def test_a_numbered_step_on_a_later_line_keeps_its_number():
    """Several lines split at once (a drafted answer, a passage): each line's "4." starts its step, not a sentence."""
    text = "3. Choose the file and upload it.\n4. Click Start import. It takes a minute.\n"
    assert _split(text) == ["3. Choose the file and upload it.\n4. Click Start import.", "It takes a minute."]


def test_glued_paragraphs_split_where_the_space_was_lost():
    line = "He was born in Southampton.Canadian pacifist Robert Edis lived there in the 1930s.The house is gone."
    assert _split(line) == ["He was born in Southampton.", "Canadian pacifist Robert Edis lived there in the 1930s.",
                            "The house is gone."]
    assert _split('They said "stop."Then they left.') == ['They said "stop."', "Then they left."]


@pytest.mark.parametrize("line", [
    "Call os.path.Join or `pathlib.Path` here.",
    "Version 2.4.0.The fix is in.",
    "Use Foo.Bar() to start.",
])
def test_code_names_and_versions_are_not_glued_sentences(line):
    assert _split(line) == [line]


def _chunk(text: str) -> Chunk:
    return Chunk(id="c", source="README.md", text=text, start_line=1, end_line=text.count("\n"), start_char=0,
                 end_char=len(text), content_hash="h", file_hash="f" * 64, index=0, n_chunks=1)


def test_a_wrapped_line_that_starts_with_inline_code_continues_the_sentence():
    text = ("It results in `dotenv_values` associating that variable name with the value\n"
            "`None`, while `load_dotenv` ignores it.\n")
    spans = sentence_spans(_chunk(text))
    assert len(spans) == 1 and "`None`" in spans[0].text and (spans[0].start_line, spans[0].end_line) == (1, 2)
    fence = "Install it:\n```\npip install x\n```\n"
    assert [s.text for s in sentence_spans(_chunk(fence))][0] == "Install it:"  # a fence still breaks the run


def test_a_chunk_that_starts_inside_a_wrapped_sentence_gives_no_half_sentence():
    """Overlapping chunks of hard-wrapped text: the tail a later chunk starts with is dropped; the whole sentence stays."""
    text = ("Intro line here.\nFor typical usage, the encode and decode functions will take a\n"
            "domain name argument and perform a conversion to ASCII-compatible encoding.\nNext sentence.\n")
    whole = _chunk(text)
    tail_at = text.index("domain name")
    later = Chunk(id="d", source="README.md", text=text[tail_at:], start_line=3, end_line=4, start_char=tail_at,
                  end_char=len(text), content_hash="h2", file_hash="f" * 64, index=1, n_chunks=2)
    spans = whole_sentences([(1, sp) for sp in sentence_spans(later)] + [(0, sp) for sp in sentence_spans(whole)])
    texts = [sp.text for _, sp in spans]
    assert not any(t.startswith("domain name") for t in texts)
    assert "For typical usage, the encode and decode functions will take a\ndomain name argument and perform a " \
           "conversion to ASCII-compatible encoding." in texts
    assert texts.count("Next sentence.") == 1  # a sentence both chunks hold, once
    lead = next(sp for _, sp in spans if sp.text.startswith("For typical"))
    assert "ASCII-compatible" in paragraph(lead)  # its paragraph is every line it spans


SCRAPED = (
    "Harbour Town\n\n"
    "Harbour Town is a small port on the south coast of Arvenia.The town was founded by Dr. Amos Finch in 1702, who built "
    "its first stone quay.In 1850 the railway reached the town, and the port grew quickly.Its main export was wool.\n\n"
    "The wool trade was run from St. Paul's Wharf, where Mr. Olberg kept the weighhouse until 1911.\n"
)


@pytest.mark.slow
def test_scraped_text_is_quoted_sentence_by_sentence(make_workspace):
    """Real files, index and model: the answer quotes one sentence, not two glued ones, and not half of one."""
    ws = make_workspace("persistent", "sentences", files={"harbour_town.txt": SCRAPED})
    assert ws.cli("ingest").returncode == 0
    ans = ws.answer("Who founded Harbour Town?", "founded by Dr. Amos Finch in 1702")
    assert "south coast" not in ans["answer"] and "railway" not in ans["answer"]
    ans = ws.answer("When did the railway reach Harbour Town?", "In 1850 the railway reached the town")
    assert "Amos Finch" not in ans["answer"] and "wool" not in ans["answer"]
    ans = ws.answer("Who kept the weighhouse?", "Mr. Olberg kept the weighhouse")
    assert ans["citations"][0]["start_line"] == 5
