"""Deterministic synthetic corpora and queries for the benchmarks.

Text is English-looking: words are drawn from a Zipf distribution over a
vocabulary seeded with the words of the real corpus (most frequent first)
and padded with made-up words, and each file leans on its own topic words.
That gives BM25 realistic posting lists and the embedder realistic input,
so timings at 10k chunks resemble a real 10k-chunk corpus.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from assistant.chunking import chunk_lines
from assistant.settings import Settings

VERSION = 1  # bump when generation changes, so cached corpora are rebuilt
_WORD = re.compile(r"[A-Za-z]{2,}")
_SYL = ["ka", "lo", "mi", "ren", "tas", "vo", "shi", "an", "del", "qua", "ber", "nix", "tor", "el", "sun", "par"]
_CHUNKS_PER_FILE = 20


def vocabulary(seed_dir: Path, size: int = 30_000, seed: int = 0) -> list[str]:
    """Words of ``seed_dir`` by frequency, then made-up words up to ``size``."""
    counts: Counter[str] = Counter()
    for p in sorted(seed_dir.rglob("*.txt")):
        counts.update(w.lower() for w in _WORD.findall(p.read_text(encoding="utf-8", errors="replace")))
    words = [w for w, _ in counts.most_common()]
    have = set(words)
    rng = random.Random(seed)
    while len(words) < size:
        w = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4)))
        if w not in have:
            have.add(w)
            words.append(w)
    return words[:size]


class _Writer:
    def __init__(self, vocab: list[str], seed: int):
        self.vocab = vocab
        self.rng = random.Random(seed)
        # Zipf(1.1) weights over ranks: a few very common words, a long tail.
        self.cum = []
        acc = 0.0
        for r in range(1, len(vocab) + 1):
            acc += 1.0 / r**1.1
            self.cum.append(acc)

    def sentence(self, topic: list[str]) -> str:
        rng = self.rng
        n = rng.randint(8, 24)
        words = [
            rng.choice(topic) if rng.random() < 0.15 else self.vocab[self._rank()]
            for _ in range(n)
        ]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), str(rng.randint(1990, 2030) if rng.random() < 0.5 else rng.randint(2, 99_000)))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def _rank(self) -> int:
        import bisect

        return min(bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1]), len(self.vocab) - 1)

    def document(self, topic: list[str], paragraphs: int) -> str:
        paras = []
        for _ in range(paragraphs):
            paras.append(" ".join(self.sentence(topic) for _ in range(self.rng.randint(3, 6))))
        return "\n\n".join(paras) + "\n"


def make_corpus(dest: Path, n_chunks: int, seed_dir: Path, seed: int = 0, settings: Settings | None = None) -> dict:
    """Write text files under ``dest`` until chunking them gives ``n_chunks`` chunks.

    Cached: a ``corpus.json`` stamp makes a second call with the same
    parameters free. Returns the stamp (files, chunks, bytes).
    """
    s = settings or Settings.load(env={})
    key = {"version": VERSION, "n_chunks": n_chunks, "seed": seed, "chunk_tokens": s.chunk_tokens, "chunk_overlap": s.chunk_overlap}
    stamp = dest / "corpus.json"
    if stamp.is_file():
        have = json.loads(stamp.read_text())
        if have.get("key") == key:
            return have
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.txt"):
        old.unlink()
    vocab = vocabulary(seed_dir, seed=seed)
    w = _Writer(vocab, seed)
    total, nbytes, files, i = 0, 0, 0, 0
    while total < n_chunks:
        topic = w.rng.sample(vocab[200:], 40)
        # Size the file for about _CHUNKS_PER_FILE chunks, fewer for the last one.
        want = min(_CHUNKS_PER_FILE, n_chunks - total)
        text = w.document(topic, paragraphs=max(1, round(want * 0.9)))
        lines = text.splitlines(keepends=True)
        name = f"doc_{i:06d}.txt"
        chunks = chunk_lines(lines, name, "0" * 16, s.chunk_tokens, s.chunk_overlap)
        if total + len(chunks) > n_chunks and len(chunks) > 1:
            # Trim whole paragraphs until the file fits the remaining budget.
            paras = text.split("\n\n")
            while len(paras) > 1 and total + len(chunks) > n_chunks:
                paras.pop()
                text = "\n\n".join(paras).rstrip("\n") + "\n"
                chunks = chunk_lines(text.splitlines(keepends=True), name, "0" * 16, s.chunk_tokens, s.chunk_overlap)
        (dest / name).write_text(text, encoding="utf-8")
        total += len(chunks)
        nbytes += len(text.encode("utf-8"))
        files += 1
        i += 1
    info = {"key": key, "files": files, "chunks": total, "bytes": nbytes}
    stamp.write_text(json.dumps(info))
    return info


def queries(corpus: Path, n: int, seed: int = 1) -> list[str]:
    """``n`` questions built from words of random sentences of the corpus."""
    rng = random.Random(seed)
    files = sorted(corpus.glob("*.txt"))
    out = []
    while len(out) < n and files:
        text = rng.choice(files).read_text(encoding="utf-8")
        sents = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 6]
        if not sents:
            continue
        words = [w for w in _WORD.findall(rng.choice(sents)) if len(w) > 3]
        if len(words) < 3:
            continue
        pick = rng.sample(words, min(len(words), rng.randint(3, 5)))
        out.append(f"What does the text say about {' '.join(pick)}?")
    return out
