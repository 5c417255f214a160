from pathlib import Path

from assistant.chunking import chunk_lines
from assistant.sentences import split_sentences
from assistant.tokens import count_tokens

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _chunks(text, size=40, overlap=10):
    return chunk_lines(text.splitlines(keepends=True), "doc.txt", "f" * 64, size, overlap)


def test_split_sentences_tiles_the_line():
    line = 'He said "Go." Then it left! Really? Yes.\n'
    parts = split_sentences(line)
    assert "".join(parts) == line
    assert len(parts) == 4


def test_chunks_are_exact_slices_with_right_lines():
    text = "Title line.\n\n" + "\n".join(f"Sentence number {i} is here. Another one {i}." for i in range(30)) + "\n"
    chunks = _chunks(text)
    assert len(chunks) > 3
    lines = text.splitlines()
    for c in chunks:
        assert text[c.start_char : c.end_char] == c.text
        assert c.text.startswith(lines[c.start_line - 1].strip()[:5]) or c.text[:10] in lines[c.start_line - 1]
        assert c.text.rstrip().endswith(lines[c.end_line - 1].rstrip()[-5:]) or c.text[-10:] in lines[c.end_line - 1]
        assert count_tokens(c.text) <= 40 + 5


def test_overlap_and_progress():
    text = " ".join(f"Fact {i} holds." for i in range(200)) + "\n"
    chunks = _chunks(text, size=30, overlap=10)
    starts = [c.start_char for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start_char < a.end_char  # overlapping
    assert chunks[-1].end_char == len(text.rstrip())


def test_ids_are_deterministic_and_unique():
    text = (CORPUS / "003_9de4892e83e3c109.txt").read_text()
    a = _chunks(text, 120, 20)
    b = _chunks(text, 120, 20)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    assert all(c.n_chunks == len(a) for c in a)


def test_long_sentence_is_split_at_words():
    text = "word " * 500 + "\n"
    chunks = _chunks(text, 50, 0)
    assert len(chunks) >= 9
    assert all(text[c.start_char : c.end_char] == c.text for c in chunks)


def test_blank_document_has_no_chunks():
    assert _chunks("\n\n   \n") == []


def test_real_article_lines_match_file():
    path = CORPUS / "000_d30eed791859901c.txt"
    text = path.read_text()
    lines = text.splitlines()
    for c in _chunks(text, 180, 40):
        first = c.text.splitlines()[0]
        assert first in lines[c.start_line - 1]
        last = c.text.splitlines()[-1]
        assert last in lines[c.end_line - 1]
