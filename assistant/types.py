"""Typed results shared by the API, CLI, UI and evals."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of a document, with exact provenance."""

    id: str
    source: str  # path relative to the corpus root, with forward slashes
    text: str
    start_line: int  # 1-based, inclusive
    end_line: int  # 1-based, inclusive
    start_char: int  # 0-based offset into the decoded file text
    end_char: int  # exclusive
    content_hash: str  # hash of ``text``
    file_hash: str  # hash of the whole file the chunk came from
    index: int  # position of the chunk in its file
    n_chunks: int  # how many chunks the file produced (lets ingest spot a half-written file)
    # Where each of the chunk's lines sits (page, slide, sheet row, section), as
    # a JSON list, one locator per line from start_line to end_line; a string
    # because Chroma metadata takes only scalars. Empty for plain text.
    locs: str = ""
    # The headings in force where the chunk starts, as lines of the file, the
    # document's title first ("" when it has none): a chunk that starts inside
    # a section still knows which (assistant/scope.py). Empty for older indexes.
    heads: str = ""

    def metadata(self) -> dict:
        """Flat metadata for the vector store (Chroma takes only scalars)."""
        d = asdict(self)
        d.pop("id")
        d.pop("text")
        if not d["locs"]:
            d.pop("locs")  # plain text: the lines are the locator
        if not d["heads"]:
            d.pop("heads")
        return d


@dataclass
class Passage:
    """A retrieved chunk with its scores, as shown to the model as [n]."""

    chunk: Chunk
    score: float  # fused score used for ranking
    dense: float = 0.0  # cosine similarity of query and chunk, 0 if not found densely
    bm25: float = 0.0


@dataclass(frozen=True)
class Citation:
    """A checked citation: where an answer's statement comes from."""

    n: int
    source: str
    start_line: int
    end_line: int
    quote: str
    score: float
    # Where a person would look: {"page": 7, "line": 3}, {"slide": 3},
    # {"sheet": "Prices", "row": 12}, {"section": "Pricing", "paragraph": 4},
    # or {"line": 3, "end_line": 5} for text files (assistant/locators.py).
    locator: dict = field(default_factory=dict, hash=False)
    label: str = ""  # the locator in words: "page 7", "slide 3", "sheet Prices, row 12"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ClaimCheck:
    """What the answer check decided about one sentence of a generated draft."""

    sentence: str  # the sentence as the model wrote it, without [n] markers
    verdict: str  # kept, repointed, removed, gap (the model says the documents lack it), skipped (no claim)
    reason: str = ""  # why it was removed or re-pointed, in words a user reads
    cited: tuple[int, ...] = ()  # passage numbers (1-based, as shown to the model) it cites after the check

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """The final answer to one question."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    backend: str = ""  # which path produced the text: local, openai, extractive, extractive-fallback
    question: str = ""
    standalone_question: str = ""  # the question after rewriting with the chat history
    passages: list[Passage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. why a fallback happened
    claims: list[ClaimCheck] = field(default_factory=list)  # per-sentence check of a generated draft
    closest: list[Citation] = field(default_factory=list)  # with a refusal: the nearest passages, never citations
    read_as: dict[str, str] = field(default_factory=dict)  # question words read as the documents spell them: typed -> read
    timings: dict[str, float] = field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0

    def to_dict(self) -> dict:
        """The public JSON shape (``assistant ask --json``)."""
        return {
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "backend": self.backend,
            "notes": list(self.notes),
            "claims": [c.to_dict() for c in self.claims],
            "closest": [c.to_dict() for c in self.closest],
            "read_as": dict(self.read_as),
        }


@dataclass
class FileResult:
    """What ingest did with one file."""

    source: str
    status: str  # added, changed, unchanged, removed, skipped
    chunks: int = 0
    reason: str = ""
    note: str = ""  # a file read in part or with a caveat: hidden sheets read, rows left out


@dataclass
class IngestReport:
    """Summary of one ingest run."""

    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def chunks_written(self) -> int:
        return sum(f.chunks for f in self.files if f.status in ("added", "changed"))

    def summary(self) -> str:
        """One line, e.g. "0 added, 0 changed, 5 unchanged, 0 removed, 1 skipped"."""
        s = ", ".join(f"{self.count(k)} {k}" for k in ("added", "changed", "unchanged", "removed"))
        if self.skipped:
            s += f", {len(self.skipped)} skipped"
        return s

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "files": [asdict(f) for f in self.files],
            "seconds": round(self.seconds, 3),
        }
