"""Rebuild packages/half_a and packages/half_b from installed packages' long descriptions.

The calibration's second corpus: README text shipped inside Python packages
(the long description in ``*.dist-info/METADATA``), a help-desk-like set of
markdown and reStructuredText pages (the latter saved as .txt, which the loader reads). Usage::

    python evals/calibration/build_packages_corpus.py /path/to/site-packages

Each page keeps its first ``MAX_CHARS`` characters (whole lines), so the
questions written for it stay answerable from the committed text.
"""
from __future__ import annotations

import sys
from pathlib import Path

HALF_A = {"python_dotenv": "python-dotenv.md", "xmltodict": "xmltodict.md", "colorama": "colorama.txt", "sortedcontainers": "sortedcontainers.txt"}
HALF_B = {"attrs": "attrs.md", "urllib3": "urllib3.md", "idna": "idna.txt", "flask_cors": "flask-cors.txt"}
MAX_CHARS = 7000  # a few chunks per page: enough for 5 questions, small enough to read and check by hand


def description(metadata: Path) -> str:
    text = metadata.read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    out, n = [], 0
    for line in body.splitlines(keepends=True):
        if n + len(line) > MAX_CHARS:
            break
        out.append(line)
        n += len(line)
    return "".join(out)


def main(site: str) -> None:
    here = Path(__file__).parent / "packages"
    for half, names in (("half_a", HALF_A), ("half_b", HALF_B)):
        (here / half).mkdir(parents=True, exist_ok=True)
        for dist, name in names.items():
            meta = next(Path(site).glob(f"{dist}-*.dist-info/METADATA"))
            (here / half / name).write_text(description(meta), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
