"""What an ideal model would answer: a dataset's reference answer, each sentence cited.

Pure functions over plain text, shared by the reference model server (which
sees only the prompt) and the scorer (which sees the :class:`Answer`), so both
judge "do the passages hold the answer" and "does this passage support this
sentence" the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..chunking import split_sentences
from ..text import numbers, terms, tokens
from .dataset import EvalItem
from .metrics import fact_text, facts_found

# A reference answer with no key facts counts as held when this share of its
# content terms occurs in the passages: most of it, allowing for the
# paraphrase a reference answer may use.
HOLD_SHARE = 0.6
# A passage supports a sentence when it holds all the sentence's numbers and
# names and at least half of its content terms.
SUPPORT_SHARE = 0.5

_HEADER = re.compile(r"^\[(\d+)\] \((.+?), lines \d+-\d+\)\n", re.MULTILINE)
_QUESTION = re.compile(r"\nQuestion: (.*)\s*$", re.DOTALL)
_CONTEXT = re.compile(r"\s*\(context:.*\)\s*$", re.IGNORECASE | re.DOTALL)  # the tail Question.text adds (assistant/condense.py), read as a model reads its prompt
_MARK = re.compile(r"\s*\[\d+\]")
# A capitalised word that does not open its sentence: a name.
_NAME = re.compile(r"(?<=[a-z,;] )([A-Z][\w'\-]+(?: [A-Z][\w'\-]+)*)")


@dataclass
class Said:
    """One sentence of a model answer and the passages (1-based) it cites."""

    text: str  # without markers, ending in its punctuation
    cites: list[int]


def render(said: list[Said]) -> str:
    """``Xiaomi was founded in 2010 [1].`` for every sentence, joined by spaces."""
    out = []
    for s in said:
        body = s.text.rstrip()
        end = body[-1] if body and body[-1] in ".!?" else "."
        body = body.rstrip(".!?").rstrip()
        out.append(body + "".join(f" [{n}]" for n in s.cites) + end)
    return " ".join(out)


def parse_prompt(user: str) -> tuple[str, list[str]]:
    """The question and the passage texts (in [n] order) of a user turn built from USER_TEMPLATE."""
    m = _QUESTION.search(user)
    question = m.group(1).strip() if m else user.strip()
    body = user[: m.start()] if m else ""
    heads = list(_HEADER.finditer(body))
    passages = [body[h.end(): heads[i + 1].start() if i + 1 < len(heads) else len(body)].strip() for i, h in enumerate(heads)]
    return question, passages


def norm_question(q: str) -> str:
    """The question without a rewrite's "(context: ...)" tail, lower case, words only."""
    return " ".join(re.findall(r"\w+", _CONTEXT.sub("", q).lower()))


def find_item(question: str, items: list[EvalItem], passages: list[str]) -> EvalItem | None:
    """The dataset item asked about: same words first, else the closest by word overlap (at least half)."""
    q = norm_question(question)
    same = [i for i in items if norm_question(i.query) == q]
    if not same:
        words = set(q.split())
        best, share = None, 0.5
        for i in items:
            w = set(norm_question(i.query).split())
            j = len(words & w) / max(1, len(words | w))
            if j >= share:
                best, share = i, j
        same = [best] if best else []
    # Duplicate questions: the one whose answer these passages hold.
    return next((i for i in same if holds_answer(i, passages)), same[0] if same else None)


def holds_answer(item: EvalItem, passages: list[str]) -> bool:
    """Whether the passages hold the reference answer: every key fact, or most of its content terms."""
    if not item.answerable or not passages:
        return False
    joined = "\n".join(passages)
    if item.key_facts:
        return all(facts_found(joined, item.key_facts))
    want = set(terms(item.reference_answer))
    if not want:
        return False
    have = set(terms(joined))
    return len(want & have) / len(want) >= HOLD_SHARE


def names_in(sentence: str) -> list[str]:
    """Capitalised words and runs that do not open the sentence."""
    return [m.group(1) for m in _NAME.finditer(_MARK.sub("", sentence))]


def supports(sentence: str, passage: str) -> bool:
    """Whether ``passage`` holds the sentence's numbers, names and half its content terms."""
    body = _MARK.sub("", sentence)
    p_terms = set(terms(passage))
    if not numbers(body) <= numbers(passage):
        return False
    # word by word: "Xiaomi's CEO" is supported by "Xiaomi ... CEO and founder"
    if not {w for n in names_in(body) for w in tokens(re.sub(r"['\u2019]s\b", "", n))} <= set(tokens(passage)):
        return False
    want = set(terms(body))
    return not want or len(want & p_terms) / len(want) >= SUPPORT_SHARE


def best_passage(sentence: str, passages: list[str], facts: list[str] = ()) -> int:
    """1-based number of the passage sharing most facts (key facts, numbers, names) and terms with ``sentence``."""
    body = _MARK.sub("", sentence)
    want_terms, want_nums = set(terms(body)), numbers(body)
    names = [n.lower() for n in names_in(body)]

    def score(p: str) -> tuple:
        low = fact_text(p)
        key = sum(1 for f in facts if fact_text(f) in low)
        hard = len(want_nums & numbers(p)) + sum(1 for n in names if n in low)
        return (key, hard, len(want_terms & set(terms(p))))

    scores = [score(p) for p in passages]
    return max(range(len(passages)), key=lambda i: (scores[i], -i)) + 1


def reference_answer(item: EvalItem, passages: list[str]) -> list[Said] | None:
    """The cited reference answer, or None where an ideal model refuses."""
    if not holds_answer(item, passages):
        return None
    facts = [v for variants in item.key_facts for v in variants if v.strip()]
    if item.facts_from_reference:
        # A span, not a sentence (SQuAD-like): wrap it, cited to a passage holding it.
        span = item.reference_answer.strip().rstrip(".")
        return [Said(f"The answer is {span}.", [best_passage(item.query + " " + span, passages, [span])])]
    sentences = [s.strip() for line in item.reference_answer.splitlines() for s in split_sentences(line) if s.strip()]
    return [Said(s, [best_passage(s, passages, facts)]) for s in sentences]
