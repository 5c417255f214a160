"""The answer check: judge each sentence of a generated draft by its facts.

A sentence stands when the passages it cites state its facts (numbers,
dates, names, quoted strings; see :mod:`assistant.facts`) and do not say the
opposite. Wording is free: a faithful paraphrase passes, an invented figure
or name does not. A sentence with no such facts gets a softer check: most
of its content words, apart from those it restates from the question, must
be in the cited passage, which catches an invention made of common words
("It also comes with free charging for life").

A sentence whose facts are in another passage is re-pointed there; one
that no passage supports is removed, and the rest of the answer stands.
Connecting sentences ("Here are the steps:"), list markers, headings and
sentences saying the documents lack something are kept without a check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import prompts
from .answer_kind import missing_answer_type, roots
from .sentences import split_sentences
from .citations import markers, strip_markers
from .draft_pieces import drop_dangling_intros, pieces, with_marks
from .facts import Facts, facts, fold, months, name_found, negated, numbers, proper_names, quote_found
from .guard import obeys_embedded_instruction
from .text import stem, terms
from .types import ClaimCheck, Passage
from .vocab import english_words

# Share of a fact-free sentence's own content words (question words and
# words about the documents left out) that the cited passage must hold.
# Measured on evals/calibration/claims.json (our own paraphrases and
# inventions over the five articles and a second corpus; see
# docs/answer-check.md): 0.5 keeps every faithful paraphrase there and
# catches the inventions made of common words.
SOFT_MIN_COVERAGE = 0.5
# A passage sentence "says the same thing" (for the negation check) when it
# shares at least this share of the claim's content words.
_SAME_TOPIC = 0.5
# A passage sentence denies an affirmative claim only when it restates nearly
# all of it with a "not": a long passage sentence often holds an unrelated
# "not" in another clause. The flips in evals/calibration/claims.json
# restate 80-100% of the claim's words.
_DENIES = 0.8
_CLAUSE = re.compile(r"[,;:()]|\b(?:but|though|although|while|whereas|yet|despite)\b", re.I)

_YES_NO = re.compile(r"^\s*(yes|no)\b[,.;:!]?\s*", re.I)
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)]|[a-z][.)])\s+")
# The model saying what the passages lack: an honest partial answer, not a claim.
_GAP = re.compile(
    r"\b(documents?|passages?|context|sources?|articles?|text)\b.{0,40}\b(do|does|did)\s*(not|n't)\b|"
    r"\b(not|never)\s+(mentioned|stated|specified|provided|given|said|covered|described|named|listed)\b|"
    r"\bno (information|mention|details?|data)\b|"
    r"\b(couldn'?t|could not|cannot|can'?t|unable to)\s+(find|tell|say|determine|answer)\b",
    re.I,
)
# Words about the documents themselves, which a passage never states.
_META = frozenset(t.rstrip("e") for t in terms("document documents passage passages text article articles source sources mention mentions "
                        "mentioned state states stated say says said according note notes describe describes report reports "
                        "answer question provided information detail details"))
_CORRECTION = frozenset({"true", "correct", "right", "accurat", "actually", "quit", "exactly", "that'"})
_PROMPT_SHINGLE = 6  # words in a row shared with the system prompt that mark a recited prompt


@dataclass
class DraftCheck:
    """The checked draft: what stays, and a verdict per sentence."""

    text: str  # kept sentences, markers in the passage numbering the model saw
    claims: list[ClaimCheck] = field(default_factory=list)
    problem: str | None = None  # why nothing of the draft can be shown

    @property
    def removed(self) -> list[ClaimCheck]:
        return [c for c in self.claims if c.verdict == "removed"]

    @property
    def stated(self) -> list[ClaimCheck]:
        """Sentences that stay as claims of the answer (kept or re-pointed)."""
        return [c for c in self.claims if c.verdict in ("kept", "repointed")]


def check_draft(text: str, passages: list[Passage], question: str, *, asked: str | None = None,
                known_names: frozenset[str] = frozenset()) -> DraftCheck:
    """Check every sentence of ``text`` (markers ``[n]`` number ``passages`` from 1).

    ``question`` is what the model was asked, a follow-up's context included:
    what it states is given, not invented. ``asked`` is the follow-up itself
    (:attr:`assistant.condense.Question.asked`), which says what kind of
    answer is wanted; it defaults to ``question``. ``known_names`` are the
    corpus's proper names, lower-cased: a sentence opening with one ("Tesla
    sold ...") is checked like any other name.
    """
    body = strip_markers(text)
    if not terms(body):
        return DraftCheck("", [], "empty answer")
    texts = [p.chunk.text for p in passages]
    if why := obeys_embedded_instruction(body, texts):
        return DraftCheck("", [], why)
    if _recites_prompt(body):
        return DraftCheck("", [], "the draft repeats the assistant's instructions")
    judge = _Judge(passages, question, known_names)
    out_lines: list[str] = []
    claims: list[ClaimCheck] = []
    for line in text.splitlines():
        kept_pieces = []
        heading = line.lstrip().startswith("#")
        for piece in pieces(line):
            verdict = judge.sentence(piece, heading)
            claims.append(verdict)
            if verdict.verdict == "removed":
                continue
            kept_pieces.append(with_marks(piece, verdict))
        out_lines.append(" ".join(p.strip() for p in kept_pieces if p.strip()))
    kept = drop_dangling_intros(out_lines, claims)
    result = DraftCheck("\n".join(kept).strip(), claims)
    if not result.stated and not any(c.verdict == "gap" for c in claims):
        result.problem = (f"no sentence is supported by the passages ({result.removed[0].reason})"
                          if result.removed else "the draft states nothing")
    elif result.stated and (wanted := missing_answer_type(asked or question, [c.sentence for c in result.stated])):
        # Faithful to the passages yet beside the point: a small model copying a heading.
        result.problem = f"it does not answer the question (no {wanted} in it)"
    return result


class _Judge:
    """Verdicts for sentences against one question's passages."""

    def __init__(self, passages: list[Passage], question: str, known_names: frozenset[str] = frozenset()):
        self.passages = passages
        self.texts = [fold(p.chunk.text) for p in passages]
        self.lowers = [t.lower() for t in self.texts]
        self.numbers = [numbers(t) for t in self.texts]
        per_passage = [terms(t) for t in self.texts]
        self.terms = [set(ts) for ts in per_passage]
        self.roots = [{t.rstrip("e") or t for t in ts} for ts in per_passage]
        self._sentences: dict[int, list[tuple[str, set[str]]]] = {}
        self.qroots = set(roots(question))
        # What the question itself states is given, not invented ("No, it sold 120,000, not 200,000").
        self.qnumbers = numbers(question)
        self.qmonths = months(question)
        self.qlower = fold(question).lower()
        # Words the passages or the question use in lower case: a capitalised
        # opener among them is an ordinary word, not a name.
        self.lower_words = set(re.findall(r"\b[a-z][a-z'-]+\b", " ".join(self.texts) + " " + fold(question)))
        self.lower_stems = {stem(w) for w in self.lower_words}
        self.names = known_names | proper_names(self.texts)

    def _opener_is_name(self, word: str) -> bool:
        """A capitalised first word is checked as a name unless it reads as an ordinary word here."""
        low = word.lower()
        if low in self.lower_words or stem(low) in self.lower_stems:
            return False
        return low in self.names or low not in english_words()

    def sentence(self, piece: str, heading: bool = False) -> ClaimCheck:
        cited = tuple(k for k in markers(piece) if 1 <= k <= len(self.passages))
        body = _LIST_MARK.sub("", strip_markers(piece)).strip().strip("*_ ").strip()
        if heading or not terms(body) or body.endswith(":") or (not cited and _is_label(body)):
            return ClaimCheck(body, "skipped", "", cited)
        if _GAP.search(body) or body.rstrip(".").strip() == prompts.REFUSAL.rstrip("."):
            return ClaimCheck(body, "gap", "", ())
        f = facts(body)
        opener = f.opener if f.opener and self._opener_is_name(f.opener) else ""
        pool = list(dict.fromkeys(k - 1 for k in cited)) or list(range(len(self.passages)))
        why = self._unsupported(body, f, opener, pool)
        if why is None:
            return ClaimCheck(body, "kept", "", cited or tuple(self._best(body, f, opener, pool)))
        for alt in self._alternatives(body, f, opener, pool):
            if self._unsupported(body, f, opener, alt) is None:
                where = ", ".join(f"[{i + 1}]" for i in alt)
                return ClaimCheck(body, "repointed", f"its facts are in passage {where}, not the one it cited",
                                  tuple(i + 1 for i in alt))
        return ClaimCheck(body, "removed", why, cited)

    def _unsupported(self, body: str, f: Facts, opener: str, pool: list[int]) -> str | None:
        """Why the passages in ``pool`` do not state ``body``, or None if they do."""
        if not pool:
            return "there is no passage to check it against"
        nums = set().union(*(self.numbers[i] for i in pool))
        low = "\n".join(self.lowers[i] for i in pool)
        for v in sorted(f.numbers - self.qnumbers):
            if v not in nums:
                return f"the figure {_show(v)} is not in the cited passage"
        for month in sorted(f.months - self.qmonths):
            if not re.search(rf"\b{month[:3]}", low):
                return f"the date ({month.title()}) is not in the cited passage"
        for name in (*f.names, *([opener] if opener else [])):
            if not name_found(name, low) and not name_found(name, self.qlower):
                return f"the name {name!r} is not in the cited passage"
        for q in f.quotes:
            if not quote_found(q, low):
                return f"the quoted words {q!r} are not in the cited passage"
        if f:
            return self._negation(body, pool)
        own = [t for t in roots(_YES_NO.sub("", body)) if t not in self.qroots and t not in _META]
        if not own:
            return None  # it restates the question
        have = set().union(*(self.roots[i] for i in pool))
        share = sum(t in have for t in own) / len(own)
        if share < SOFT_MIN_COVERAGE:
            return "its content is not in the cited passage"
        return self._negation(body, pool)

    def _negation(self, body: str, pool: list[int]) -> str | None:
        body = _YES_NO.sub("", body)  # "No, the details remain confidential" denies the question, not the passage
        head, colon, rest = body.partition(":")
        if colon and rest.strip() and {r for r in roots(head) if len(r) > 1} <= _META | _CORRECTION:
            body = rest  # "That's not what the documents say: ..." corrects the question, it denies nothing
        if negated(body):
            # Each denying clause of the claim must be denied in the passage too: "X does not Y" against "X Ys".
            for cc in _CLAUSE.split(body):
                ct = set(terms(cc))
                if not negated(cc) or not ct:
                    continue
                clause, overlap = self._closest_clause(ct, pool)
                if overlap >= _SAME_TOPIC and not negated(clause):
                    return "the cited passage says the opposite"
            return None
        ct = set(terms(body))
        if not ct:
            return None
        best, overlap = "", 0.0
        for i in pool:
            for sent, st in self.sentences(i):
                o = len(ct & st) / len(ct)
                if o > overlap:
                    best, overlap = sent, o
        # Only the clause that carries the claim counts: "X did Y, though he did not Z" does not deny "X did Y".
        clause = max(_CLAUSE.split(best), key=lambda c: len(ct & set(terms(c)))) if best else ""
        if overlap >= _DENIES and negated(clause):
            return "the cited passage denies it"
        return None

    def _closest_clause(self, ct: set[str], pool: list[int]) -> tuple[str, float]:
        best, overlap = "", 0.0
        for i in pool:
            for sent, st in self.sentences(i):
                if not ct & st:
                    continue
                for clause in _CLAUSE.split(sent):
                    o = len(ct & set(terms(clause))) / len(ct)
                    if o > overlap:
                        best, overlap = clause, o
        return best, overlap

    def sentences(self, i: int) -> list[tuple[str, set[str]]]:
        """Passage ``i``'s sentences with their terms, split once per draft."""
        if i not in self._sentences:
            self._sentences[i] = [(s, set(terms(s))) for line in self.texts[i].splitlines() for s in split_sentences(line)]
        return self._sentences[i]

    def _best(self, body: str, f: Facts, opener: str, pool: list[int]) -> list[int]:
        """The one passage of ``pool`` that shares most of the sentence's words (for an uncited sentence)."""
        ct = set(terms(body))
        return [1 + max(pool, key=lambda i: len(ct & self.terms[i]))]

    def _alternatives(self, body: str, f: Facts, opener: str, pool: list[int]) -> list[list[int]]:
        """Other passages to re-point to: each single one by word overlap, then the best pair."""
        ct = set(terms(body))
        others = sorted((i for i in range(len(self.passages)) if i not in pool), key=lambda i: -len(ct & self.terms[i]))
        singles = [[i] for i in others]
        ranked = sorted(range(len(self.passages)), key=lambda i: -len(ct & self.terms[i]))
        # Facts spread over two passages may be re-pointed to both; a fact-free sentence may not, since two
        # passages' words together cover almost any sentence made of common words.
        pair = [sorted(ranked[:2])] if f and len(ranked) >= 2 and sorted(ranked[:2]) != sorted(pool) else []
        return singles + pair


def _is_label(body: str) -> bool:
    """A short uncited label line ("Answer", "Key points") rather than a statement."""
    words = body.split()
    return len(words) <= 3 and not facts(body) and not body.endswith((".", "!", "?"))


def _recites_prompt(body: str) -> bool:
    words = re.findall(r"[a-z']+", body.lower())
    # The refusal line is in the prompt too, and saying it is no leak.
    prompt = re.findall(r"[a-z']+", prompts.SYSTEM_PROMPT.replace(prompts.REFUSAL, " ").lower())
    grams = {tuple(prompt[i : i + _PROMPT_SHINGLE]) for i in range(len(prompt) - _PROMPT_SHINGLE + 1)}
    return any(tuple(words[i : i + _PROMPT_SHINGLE]) in grams for i in range(len(words) - _PROMPT_SHINGLE + 1))


def _show(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:g}"
