"""Reading misspelt question words as the documents spell them (pure logic on a made-up index)."""
from __future__ import annotations

from assistant.spelling import Fix, correct
from assistant.vocab import word_counts
from assistant.text import stem

UNSEEN = 9.0
# Stemmed index terms and their IDF: lower is more frequent.
INDEX = {stem(w): idf for w, idf in [("password", 2.0), ("passwords", 2.0), ("length", 3.0), ("receive", 2.5), ("kessary", 1.5),
                                     ("reids", 4.0), ("minimum", 3.0)]}
WORDS = frozenset({"password", "length", "minimum", "receive", "dental", "cover"})


def idf_of(term: str) -> float:
    return INDEX.get(term, UNSEEN)


def test_a_typo_is_read_as_the_index_spells_it():
    read, fixes = correct("whats the minimum pasword length", idf_of, WORDS)
    assert read == "whats the minimum password length"
    assert fixes == [Fix("pasword", "password")]


def test_an_english_word_the_documents_lack_is_left_for_the_gate():
    assert correct("does it cover dental?", idf_of, WORDS) == ("does it cover dental?", [])


def test_names_keep_their_spelling_unless_capitalised_by_opening_the_question():
    assert correct("Where is Kessery?", idf_of, WORDS)[0] == "Where is Kessery?"
    assert correct("Recieve it when?", idf_of, WORDS)[0] == "Receive it when?"


def test_a_short_word_becomes_an_english_word_only_and_a_long_one_a_term_of_the_documents():
    assert correct("is it built on redis?", idf_of, WORDS) == ("is it built on redis?", [])  # "reids" is a name
    assert correct("when was kessery founded?", idf_of, WORDS)[0] == "when was kessary founded?"


def test_the_spelling_the_documents_use_most_wins():
    index = dict(INDEX, baker=3.0, water=1.0)  # "bater" is one edit from both
    read, _ = correct("how hot is the bater?", lambda t: index.get(t, UNSEEN), WORDS | {"baker", "water"})
    assert read == "how hot is the water?"


def test_the_english_word_list_ships_with_the_package():
    words = word_counts()
    assert "dental" in words and "password" in words
    assert "pasword" not in words
