"""The reader's fingerprint changes with the code that turns files into chunks, and only with it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import assistant
from assistant import reader

PACKAGE = Path(assistant.__file__).resolve().parent


@pytest.fixture()
def package(tmp_path) -> Path:
    """A copy of the assistant package's source to edit."""
    copy = tmp_path / "assistant"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_reader_covers_what_ingest_reads_with_and_not_the_answer_path():
    modules = reader.reader_modules()
    # reached only through imports: sentences via chunking, tokens via chunking, boilerplate via headings
    assert {"loaders", "loaders.pdf", "loaders.text", "chunking", "sentences", "tokens", "headings", "boilerplate"} <= modules
    assert not modules & {"gate", "support", "compose", "answer_types", "units", "scope", "ingest", "reader"}


def test_a_changed_sentence_rule_changes_the_fingerprint(package):
    before = reader.fingerprint(package)
    # the session-11 case: a change to where sentences end, landed without a version bump
    edit(package / "sentences.py", "import re\n", "import re\n\nEXTRA_RULE = 1\n")
    assert reader.fingerprint(package) != before


def test_comments_docstrings_and_layout_leave_the_fingerprint_alone(package):
    before = reader.fingerprint(package)
    edit(package / "chunking.py", "from __future__ import annotations\n",
         "from __future__ import annotations\n# a new comment\n\n\n")
    source = (package / "headings.py").read_text(encoding="utf-8")
    doc_end = source.index('"""', 3) + 3
    (package / "headings.py").write_text('"""Reworded."""' + source[doc_end:], encoding="utf-8")
    assert reader.fingerprint(package) == before


def test_a_module_a_reader_module_starts_importing_is_covered(package):
    (package / "newrule.py").write_text("LIMIT = 3\n", encoding="utf-8")
    assert "newrule" not in reader.reader_modules(package)
    edit(package / "loaders" / "text.py", "from .files import SkipFile\n", "from .files import SkipFile\nfrom ..newrule import LIMIT\n")
    assert "newrule" in reader.reader_modules(package)
    before = reader.fingerprint(package)
    edit(package / "newrule.py", "LIMIT = 3", "LIMIT = 4")
    assert reader.fingerprint(package) != before


def test_answer_path_code_leaves_the_fingerprint_alone(package):
    before = reader.fingerprint(package)
    edit(package / "gate.py", "from __future__ import annotations\n", "from __future__ import annotations\nEXTRA = 1\n")
    assert reader.fingerprint(package) == before
