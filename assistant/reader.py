"""The reader's fingerprint: what decides how a file becomes chunks, so an index knows when to read its files again.

An unchanged file keeps its chunks from one ingest to the next. When the code
that reads files, ends sentences, cuts chunks or records their headings
changes, those chunks are stale although the file is not, and an index that
only compared a hand-kept version number kept them: in session 11 a change to
sentence ends landed without a bump and the calibration indexes kept chunks
that ended at "4.".

The fingerprint hashes the code of every module ingest uses to turn a file
into chunks, found by following the package's own imports from
:data:`READER_ROOTS`, so a module imported later is covered without a list to
keep. Code is compared as its syntax tree without docstrings, so comments,
docstrings and layout do not force a re-read. The versions of the libraries
that extract text (PDF, Word, PowerPoint, Excel, HTML) and count tokens are
part of it too: a new pypdf can read a page differently.
"""
from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = "assistant"
# The modules ingest calls between a file on disk and the chunks it stores
# (assistant/ingest.py: load, chunk_lines, attach, with_headings).
READER_ROOTS = ("loaders", "chunking", "locators", "headings")
# Distributions whose version changes the text read from a file or where chunks end.
READER_LIBRARIES = ("pypdf", "python-docx", "python-pptx", "openpyxl", "beautifulsoup4", "tiktoken")
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def reader_fingerprint() -> str:
    """A short hex digest of the reader's code and libraries; equal digests read every file the same way."""
    return fingerprint(_HERE)


def fingerprint(root: Path) -> str:
    """The fingerprint of the package whose source lies in ``root``."""
    h = hashlib.sha256()
    trees = _reader_trees(root)
    for name in sorted(trees):
        h.update(name.encode() + b"\0" + _code_digest(trees[name]).encode() + b"\0")
    for dist in READER_LIBRARIES:
        h.update(f"{dist}=={_version(dist)}\0".encode())
    return h.hexdigest()[:12]


def reader_modules(root: Path = _HERE) -> set[str]:
    """The package's modules (dotted, relative to the package) reachable by imports from :data:`READER_ROOTS`."""
    return set(_reader_trees(root))


def _reader_trees(root: Path) -> dict[str, ast.Module]:
    """Each reader module's syntax tree, by name: every file is read and parsed once."""
    trees: dict[str, ast.Module] = {}
    todo = list(READER_ROOTS)
    while todo:
        name = todo.pop()
        path = _module_file(root, name)
        if name in trees or path is None:
            continue
        trees[name] = ast.parse(path.read_text(encoding="utf-8"))
        todo.extend(_imports(root, name, path, trees[name]))
    return trees


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(root: Path, name: str, path: Path, tree: ast.Module) -> set[str]:
    """Modules of the package that ``name`` imports with relative imports (``from .x import y``, ``from . import x``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = package.split(".") if package else []
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        target = ".".join(base + (node.module.split(".") if node.module else []))
        if target:
            out.add(target)
        out.update(f"{target}.{a.name}".strip(".") for a in node.names)  # "from . import x" names a module
    return {m for m in out if _module_file(root, m) is not None}


def _code_digest(tree: ast.Module) -> str:
    """The tree's digest without docstrings (it strips them in place: each tree is digested once)."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"
