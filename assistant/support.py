"""Score how well sentences of the retrieved passages answer a question.

One scoring serves three jobs: the refusal gate (is anything here good
enough?), the extractive answer (which sentences?) and the citation lines
(which sentence inside a cited passage?).
"""
from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .answer_types import (DATE, PERSON, asks_for_list, candidates, core_question, expected_type, focus_entities, fold, has_items,
                           surnames_named, without_focus)
from .boilerplate import field_name
from .names import named_in
from .scope import reads_alone, scope_lines
from .spans import Span, sentence_spans
from .text import numbers, terms
from .types import Passage


# Sentence-ranking features, in this order; RANK_WEIGHTS (below) weighs them.
FEATURES = ("similarity", "coverage", "context_coverage", "typed_hit", "typed_miss", "entity", "novelty", "passage_rank",
            "property_coverage", "list_hit", "property_similarity")


@dataclass
class ScoredSpan:
    span: Span
    passage: int  # 0-based index into the passage list
    similarity: float  # cosine(question, sentence)
    coverage: float  # IDF-weighted share of question terms in the sentence
    score: float  # what ranks sentences for the extractive answer
    answers: frozenset = frozenset()  # candidates of the asked answer type (a date for "when" ...) not in the question
    features: tuple = ()  # the FEATURES values behind ``score``
    property_similarity: float = 0.0  # cosine(question without its names, sentence): is the asked property stated?

    @property
    def support(self) -> float:
        """Evidence that this sentence answers the question, 0..1."""
        return 0.5 * self.similarity + 0.5 * self.coverage


def score_spans(question: str, qvec, passages: list[Passage], embedder, idf) -> list[ScoredSpan]:
    """Every sentence of the passages scored against the question, best first.

    The score is a small fitted linear model (:data:`RANK_WEIGHTS`) over
    closeness, question terms covered, whether the sentence holds an answer of
    the type asked (one the question does not already state), and whether it
    is about the entity the question names.
    """
    spans = whole_sentences([(i, sp) for i, p in enumerate(passages) for sp in sentence_spans(p.chunk)])
    if not spans:
        return []
    vecs = _SENTENCES.embed(embedder, [sp.text for _, sp in spans])
    scopes = [scope_lines(sp) for _, sp in spans]
    core = core_question(question)
    asked = without_focus(core)
    avec = None if asked == core or not terms(asked) else embedder.get_query_embedding(asked)
    # A short line says little on its own ("Press q to quit.", "- A crash on
    # empty CSV files"): it is also read under its nearest scope lines, and is
    # as close to the question as the closer of the two readings.
    # Only under a scope of its own (a heading, a question): a document's title
    # alone would lift every short line of it alike.
    local = [scope_lines(sp, with_title=False) if reads_alone(sp) else [] for _, sp in spans]
    short = [k for k in range(len(spans)) if local[k]]
    svecs = _SENTENCES.embed(embedder, [scoped_text(spans[k][1], scopes[k]) for k in short]) if short else None
    sims = _closer(qvec, vecs, svecs, short)
    psims = sims if avec is None else _closer(avec, vecs, svecs, short)
    qterms = set(terms(core)) - META_TERMS
    weights = {t: idf(t) for t in sorted(qterms)}  # sorted: the same sums, to the last bit, in every process
    total = sum(weights.values()) or 1.0
    qtype = expected_type(question)
    focus = focus_entities(core)
    ctx_terms = [set(terms(p.chunk.text)) for p in passages]
    ctx_low = [fold(p.chunk.text) for p in passages]
    # Property words: what the question asks about its names ("price", "founded"), the names left out.
    props = qterms - {t for e in focus for t in terms(e)}
    listy = asks_for_list(question)
    out = []
    for k, ((i, sp), cos, pcos) in enumerate(zip(spans, sims, psims)):
        sim = max(0.0, float(cos))
        st = set(terms(sp.text))
        # The sentence read with its scope (its headings, the question it answers): what it is about.
        about = " ".join(scopes[k])
        sst = st | set(terms(about))
        cov = sum(w for t, w in weights.items() if t in sst) / total
        ctx = sum(w for t, w in weights.items() if t in ctx_terms[i]) / total
        answers = frozenset(candidates(sp.text, qtype, question)) if qtype else frozenset()
        if qtype == PERSON and not answers:  # "Hammar later became ..." after "the botanist Lotte Hammar"
            answers = frozenset(surnames_named(sp.text, passages[i].chunk.text, question))
            named = field_name(sp.text)  # "Timekeeper: Mateus": a role field names its person in one word
            if not answers and named and named.lower() not in question.lower():
                answers = frozenset({named})
        if qtype == DATE and not answers and local[k]:  # "- Export to Parquet" under "## 2.4.0 — 2025-09-02": dated by its heading
            answers = frozenset(candidates(" ".join(local[k]), qtype, question))
        low = fold(sp.text + " " + about)
        ent = (sum(named_in(e, low) for e in focus) + sum(named_in(e, ctx_low[i]) for e in focus)) / (2 * len(focus)) if focus else 1.0
        novelty = len(st - qterms) / len(st) if st else 0.0
        prop = len(props & sst) / len(props) if props else 0.0
        f = (sim, cov, ctx, float(bool(qtype) and bool(answers)), float(bool(qtype) and not answers), ent, novelty, 1.0 / (1 + i),
             prop, float(listy and has_items(sp.text)), max(0.0, float(pcos)))
        out.append(ScoredSpan(sp, i, sim, cov, rank_score(f), answers, f, max(0.0, float(pcos))))
    out.sort(key=lambda s: -s.score)
    return out


def whole_sentences(spans: list[tuple[int, Span]]) -> list[tuple[int, Span]]:
    """Each sentence once, whole: overlapping chunks repeat sentences, and cut hard-wrapped ones.

    A chunk can start or end inside a sentence wrapped over several lines
    (README text at 80 columns): its first span is then the sentence's tail
    ("domain name argument and perform a conversion ..."), which another
    chunk holds whole. A span inside another span of the same file is
    dropped; the whole sentence keeps its place in passage order.
    """
    by_file: dict[str, list[tuple[int, int]]] = {}
    for k, (_, sp) in enumerate(spans):
        by_file.setdefault(sp.chunk.source, []).append((sp.start_char, -len(sp.text), k))
    keep: set[int] = set()
    for ranges in by_file.values():
        end = -1
        for start, neg_len, k in sorted(ranges):
            if start - neg_len <= end:  # ends within a kept span that starts no later: a repeat or a fragment
                continue
            keep.add(k)
            end = start - neg_len
    return [s for k, s in enumerate(spans) if k in keep]


SCOPE_LINES_READ = 2  # the nearest two scope lines: "Removed" and "2.3.0 — 2025-06-01", not the whole trail


def scoped_text(span: Span, scope: list[str]) -> str:
    """A line as it reads under its nearest scope lines: "2.3.0 — 2025-06-01 › Removed: The deprecated plugin."."""
    return " › ".join(reversed(scope[:SCOPE_LINES_READ])) + ": " + span.text


def _closer(q, vecs: np.ndarray, svecs: np.ndarray | None, rows: list[int]) -> np.ndarray:
    """Cosines of ``q`` with ``vecs``, raised to the scoped reading's cosine where one exists (``rows``)."""
    sims = _cosines(q, vecs)
    if svecs is not None:
        sims[rows] = np.maximum(sims[rows], _cosines(q, svecs))
    return sims


# Words about the documents rather than their subject ("named across the
# articles"): matching them in a sentence is no evidence of an answer.
META_TERMS = frozenset(terms("article articles document documents text texts passage passages source sources mention mentioned named across"))

# Fitted by evals/calibration/fit.py (pairwise logistic regression: within a
# question, a sentence holding a key fact above one that does not) on the five
# calibration families (news, packages, essay, help desk, encyclopedia; every
# family weighing the same); evals/calibration/weights.json has the fit and
# each family's held-out figures.
RANK_WEIGHTS = (2.294, 2.043, 2.964, 1.581, -1.581, 1.435, 1.273, 0.518, 0.484, 0.249, 4.309)


def rank_score(features: tuple) -> float:
    """The linear sentence-ranking score of one FEATURES tuple."""
    return float(sum(w * x for w, x in zip(RANK_WEIGHTS, features)))


def passage_coverage(question: str, passages: list[Passage], idf, top: int = 3) -> float:
    """IDF-weighted share of the question's terms found in the best passages together."""
    qterms = set(terms(question))
    if not qterms:
        return 0.0
    have: set[str] = set()
    for p in passages[:top]:
        have.update(terms(p.chunk.text))
    weights = {t: idf(t) for t in sorted(qterms)}
    return sum(w for t, w in weights.items() if t in have) / (sum(weights.values()) or 1.0)


def claim_supported(claim: str, context: str, min_coverage: float = 0.8) -> bool:
    """Does ``context`` state ``claim``?

    All its numbers and capitalised names must appear in the context, and most
    of its content words: small models love to invent a plausible number or a
    product name, and this is where those drafts are caught.
    """
    ct = terms(claim)
    if not ct:
        return True
    if not numbers(claim) <= numbers(context):
        return False
    low = context.lower()
    if any(name.lower() not in low for name in _names(claim)):
        return False
    have = set(terms(context))
    return sum(1 for t in ct if t in have) / len(ct) >= min_coverage


def _names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial: a cheap proper-noun finder."""
    out = set()
    for m in re.finditer(r"(?<=[a-z0-9,;:] )([A-Z][\w-]+)", text):
        out.add(m.group(1))
    return out


def _cosines(q, vecs: np.ndarray) -> np.ndarray:
    """Cosine of ``q`` with each row of ``vecs`` (0 for a zero vector)."""
    qv = np.asarray(q, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1) * float(np.linalg.norm(qv))
    dots = vecs @ qv
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)


_EMBED_BATCH = 16


class _SentenceVectors:
    """An LRU of sentence embeddings, one per embedder.

    Scoring embeds every sentence of the top passages on every question;
    overlapping chunks, popular passages and follow-up questions bring the
    same sentences back, and embedding is the slowest step before generation.
    """

    def __init__(self, size: int = 8192):
        self.size = size
        self._by_embedder: dict[int, OrderedDict[str, np.ndarray]] = {}
        self._lock = threading.Lock()

    def embed(self, embedder, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts`` (rows, float32), embedding only those not cached."""
        with self._lock:
            lru = self._lru(embedder)
            have = {t: lru[t] for t in texts if t in lru}
            for t in have:
                lru.move_to_end(t)
        # Shortest first, in small batches: a batch is padded to its longest
        # sentence, and one 64-wide batch of mixed lengths pads about half of it.
        missing = sorted(dict.fromkeys(t for t in texts if t not in have), key=len)
        if missing:  # embed outside the lock: other sessions keep scoring meanwhile
            fresh = np.concatenate([
                np.asarray(embedder.get_text_embedding_batch(missing[i : i + _EMBED_BATCH]), dtype=np.float32)
                for i in range(0, len(missing), _EMBED_BATCH)
            ])
            with self._lock:
                lru = self._lru(embedder)
                for t, v in zip(missing, fresh):
                    have[t] = lru[t] = v
                while len(lru) > self.size:
                    lru.popitem(last=False)
        return np.stack([have[t] for t in texts])

    def clear(self) -> None:
        with self._lock:
            for lru in self._by_embedder.values():
                lru.clear()

    def _lru(self, embedder) -> OrderedDict[str, np.ndarray]:
        # Embedders (pydantic models) are not hashable: key by id, and drop the
        # entry when the embedder is collected so a reused id starts empty.
        key = id(embedder)
        lru = self._by_embedder.get(key)
        if lru is None:
            lru = self._by_embedder[key] = OrderedDict()
            try:
                weakref.finalize(embedder, self._by_embedder.pop, key, None)
            except TypeError:  # not weak-referenceable: keep the entry for the process
                pass
        return lru


_SENTENCES = _SentenceVectors()


def clear_sentence_cache() -> None:
    """Forget cached sentence vectors (the latency benchmark times cold scoring with it)."""
    _SENTENCES.clear()
