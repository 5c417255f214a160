"""The answer step: guard, condense, retrieve, gate, generate, check, cite.

There is one code path: :meth:`AnswerEngine.stream` yields text deltas and
leaves the final :class:`Answer` on the stream object; ``ask`` just drains it.
"""
from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Iterator

from . import claims, prompts
from .cite import attach_citations, cite_generated, citation
from .citations import renumber, strip_markers
from .condense import Question, last_reply, standalone
from .followup import follow_up_ranking
from .errors import LLMUnavailableError
from .guard import injection_reason
from .providers.llms import Generator
from .retrieve import HybridRetriever
from .settings import Settings
from .spelling import correct
from .gate import extractive_gate, nothing_found
from .scope import quoted
from .compose import closest_passages, compose, part_ranker
from .support import ScoredSpan, score_spans
from .text import terms
from .tokens import count_tokens
from .types import Answer, Passage

_MODEL_REFUSAL = re.compile(
    r"(couldn'?t|could not|cannot|can'?t|unable to) find|not (mentioned|stated|provided|specified|in the (passages|documents|context))|"
    r"(do not|don'?t) (know|have (enough )?information)|no information",
    re.I,
)


class AnswerStream:
    """Iterate for text deltas; afterwards ``.answer`` holds the checked :class:`Answer`.

    When the answer check replaces a generated draft, the final ``answer.text``
    differs from the streamed deltas: always render ``answer`` at the end.
    """

    def __init__(self, gen: Iterator[str], box: list):
        self._gen = gen
        self._box = box

    def __iter__(self) -> Iterator[str]:
        yield from self._gen

    @property
    def answer(self) -> Answer:
        if not self._box:
            for _ in self._gen:  # drain, so .answer works without iterating first
                pass
        return self._box[0]


class AnswerEngine:
    """Answers questions from retrieved passages with checked citations."""

    def __init__(self, retriever: HybridRetriever, embedder, generator: Generator | None, settings: Settings):
        self.retriever = retriever
        self.embedder = embedder
        self.generator = generator
        self.settings = settings

    def stream(self, question: str, history=None) -> AnswerStream:
        """Answer ``question`` given the chat ``history``, streaming text deltas."""
        box: list[Answer] = []
        return AnswerStream(self._run(question, history or [], box), box)

    def ask(self, question: str, history=None) -> Answer:
        """Answer ``question`` and return the final :class:`Answer`."""
        return self.stream(question, history).answer

    # -- the pipeline -------------------------------------------------------
    def _run(self, question: str, history, box: list) -> Iterator[str]:
        t_start = time.perf_counter()
        timings: dict[str, float] = {}
        q = (question or "").strip()
        ans = Answer(text="", question=q, standalone_question=q)

        def refuse(reason: str, scored: list[ScoredSpan] | None = None) -> Iterator[str]:
            ans.text, ans.refused, ans.citations = prompts.REFUSAL, True, []
            ans.closest = closest_passages(scored or [], ans.passages)  # "closest passages, not an answer"
            ans.notes.append(reason)
            ans.backend = ans.backend or "guard"
            yield ans.text

        if not q:
            yield from refuse("the question is empty")
        elif reason := injection_reason(q):
            yield from refuse(reason)
        else:
            t0 = time.perf_counter()
            read, fixes = correct(q, self.retriever.bm25.idf_of)  # "pasword" as the documents spell it
            ans.read_as = {f.typed: f.read for f in fixes}
            sq = standalone(read, history)
            if sq.follow_up:  # the earlier question, as the documents spell it too
                sq = replace(sq, context=correct(sq.context, self.retriever.bm25.idf_of)[0])
            ans.standalone_question = sq.text
            timings["rewrite"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            qvec = self.embedder.get_query_embedding(sq.text)
            timings["embed"] = time.perf_counter() - t0
            passages = self.retriever.retrieve(sq.text, qvec=qvec, timings=timings)
            ans.passages = passages
            t0 = time.perf_counter()
            idf = self.retriever.bm25.idf_of
            scored = score_spans(sq.text, qvec, passages, self.embedder, idf)
            said = last_reply(history)
            asked = self._asked_scores(sq, passages) if self.generator is None else None
            why = self._gate(sq, passages, scored, asked, said, idf)
            timings["support"] = time.perf_counter() - t0
            if why:
                ans.backend = "gate"
                yield from refuse(why, scored)
            elif self.generator is None:
                ans.backend = "extractive"
                yield from self._extractive(ans, sq, scored, asked, passages, said)
            else:
                yield from self._generate(ans, sq, passages, scored, timings, said)
        timings["total"] = time.perf_counter() - t_start
        ans.timings = timings
        ans.tokens_out = count_tokens(ans.text)
        box.append(ans)

    def _gate(self, q: Question, passages: list[Passage], scored: list[ScoredSpan], asked: list[ScoredSpan] | None,
              said: str, idf) -> str | None:
        """Why to refuse before answering, or None to answer.

        The extractive backend has only this gate between a weak passage and
        the user. With a generator the model decides, so only a question that
        retrieval found nothing about is refused here.
        """
        if self.generator is None:
            return extractive_gate(q, passages, scored, idf, self.settings, asked, said)
        return nothing_found(q.text, passages, scored, idf)

    def _asked_scores(self, q: Question, passages: list[Passage]) -> list[ScoredSpan] | None:
        """A follow-up's passage sentences scored for what it asks now (None for a question that stands alone)."""
        if not q.follow_up:
            return None
        return score_spans(q.asked, self.embedder.get_query_embedding(q.asked), passages, self.embedder,
                           self.retriever.bm25.idf_of)

    def _extractive(self, ans: Answer, q: Question, scored: list[ScoredSpan], asked: list[ScoredSpan] | None,
                    passages: list[Passage], said: str = "") -> Iterator[str]:
        """Quote the composed answer; ``asked`` scores a follow-up's sentences for what it asks now
        (:meth:`_asked_scores`), and ``said`` is the reply before it."""
        question = q.asked
        if asked is not None:  # a follow-up: rank for what is asked now (assistant/followup.py)
            scored = follow_up_ranking(asked, scored, said)
        chosen = compose(question, scored, rank_part=part_ranker(passages, self.embedder, self.retriever.bm25.idf_of))
        if not chosen:  # only headings, bylines or questions matched: nothing to quote
            ans.text, ans.refused, ans.citations = prompts.REFUSAL, True, []
            ans.closest = closest_passages(scored, passages)
            ans.notes.append("the closest lines are headings or boilerplate, not statements")
            yield ans.text
            return
        parts = []
        for i, s in enumerate(chosen, start=1):
            parts.append(f"{quoted(question, s.span)} [{i}]")
            ans.citations.append(citation(i, s.span, passages[s.passage], s))
        ans.text = " ".join(parts)
        for p in parts:  # stream sentence by sentence, like a model would
            yield p + " "

    def _generate(self, ans: Answer, q: Question, passages: list[Passage], scored: list[ScoredSpan], timings,
                  said: str = "") -> Iterator[str]:
        gen = self.generator
        assert gen is not None
        ans.backend = gen.name
        block = "\n\n".join(
            prompts.PASSAGE_TEMPLATE.format(n=i, source=p.chunk.source, start_line=p.chunk.start_line, end_line=p.chunk.end_line, text=p.chunk.text)
            for i, p in enumerate(passages, start=1)
        )
        user = prompts.USER_TEMPLATE.format(passages=block, question=q.text)
        completion = prompts.COMPLETION_TEMPLATE.format(passages=block, question=q.text)
        ans.tokens_in = count_tokens((prompts.SYSTEM_PROMPT + user) if gen.chat else completion)
        draft = []
        t0 = time.perf_counter()
        try:
            for delta in gen.generate(prompts.SYSTEM_PROMPT, user, completion):
                if not draft:
                    timings["first_token"] = time.perf_counter() - t0
                draft.append(delta)
                yield delta
        except LLMUnavailableError as e:
            if not self.settings.answer_check:
                raise
            ans.notes.append(f"{e.message} Showing the extractive answer instead.")
            yield from self._fallback(ans, q, scored, passages, said)
            return
        finally:
            timings["generate"] = time.perf_counter() - t0
        text = "".join(draft).strip()
        if not self.settings.answer_check:
            yield from self._unchecked(ans, text, passages, scored)
            return
        t0 = time.perf_counter()
        checked = claims.check_draft(text, passages, q.text, asked=q.asked, known_names=self.retriever.corpus_names())
        timings["check"] = time.perf_counter() - t0
        ans.claims = checked.claims
        if checked.problem is None and not checked.stated:  # only "the documents do not say ..."
            ans.text, ans.refused = prompts.REFUSAL, True
            ans.notes.append("the model found no answer in the passages")
            return
        if checked.problem:
            ans.notes.append(f"The {gen.name} model's draft failed the check against the passages ({checked.problem}); "
                             "showing the extractive answer instead.")
            yield from self._fallback(ans, q, scored, passages, said)
            return
        ans.notes.extend(_check_notes(checked, passages))
        text, order = renumber(checked.text, len(passages))
        ans.text = text
        ans.citations = cite_generated(text, order, passages, scored)

    def _fallback(self, ans: Answer, q: Question, scored: list[ScoredSpan], passages: list[Passage],
                  said: str = "") -> Iterator[str]:
        """The extractive answer in place of a draft, behind the extractive backend's own gate."""
        ans.backend = "extractive-fallback"
        ans.citations = []
        yield "\n\n"
        idf = self.retriever.bm25.idf_of
        asked = self._asked_scores(q, passages)
        if why := extractive_gate(q, passages, scored, idf, self.settings, asked, said):
            ans.text, ans.refused = prompts.REFUSAL, True
            ans.notes.append(why)
            yield ans.text
            return
        yield from self._extractive(ans, q, scored, asked, passages, said)

    def _unchecked(self, ans: Answer, text: str, passages: list[Passage], scored: list[ScoredSpan]) -> Iterator[str]:
        """The draft as the model wrote it (answer_check off): citations renumbered, nothing removed."""
        if _MODEL_REFUSAL.search(text) and len(terms(strip_markers(text))) < 25:
            ans.text, ans.refused = prompts.REFUSAL, True
            ans.notes.append("the model found no answer in the passages")
            return
        text, order = renumber(text, len(passages))  # drops markers outside the passage list
        if not order:  # small models skip [n] or invent numbers: cite the passage each sentence rests on
            text, order = renumber(attach_citations(text, passages), len(passages))
        ans.text = text
        ans.citations = cite_generated(text, order, passages, scored)
        return
        yield  # a generator, like the other paths


def _check_notes(checked: claims.DraftCheck, passages: list[Passage]) -> list[str]:
    """What the check changed, in words a user reads."""
    notes = []
    removed = checked.removed
    if removed:
        what = "; ".join(f"{_clip(c.sentence)!r} ({c.reason})" for c in removed)
        notes.append(f"{len(removed)} sentence{'s' if len(removed) > 1 else ''} removed: {what}")
    for c in checked.claims:
        if c.verdict == "repointed":
            where = ", ".join(f"{passages[k - 1].chunk.source} lines {passages[k - 1].chunk.start_line}-{passages[k - 1].chunk.end_line}"
                              for k in c.cited)
            notes.append(f"citation re-pointed: {_clip(c.sentence)!r} is supported by {where}, not the passage it cited")
    return notes


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
