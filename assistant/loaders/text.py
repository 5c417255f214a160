"""Plain text, Markdown and HTML: bytes to text, and text to lines as an editor numbers them."""
from __future__ import annotations

import codecs

from .files import SkipFile

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_TEXT_CONTROLS = set(b"\t\n\r\f\v\x1b")  # control bytes that do occur in real text


def decode_text(raw: bytes) -> str:
    """Decode bytes as UTF-8 (or a BOM-marked UTF-16/32), refusing binary data."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return _normalise_newlines(raw.decode(enc))
            except UnicodeDecodeError:
                raise SkipFile(f"undecodable text: broken {enc.upper()} (re-save the file as UTF-8)") from None
    sample = raw[:8192]
    if _utf16_without_bom(sample):
        raise SkipFile("UTF-16 text without a byte-order mark (re-save the file as UTF-8)")
    if b"\x00" in raw or _mostly_controls(sample):
        raise SkipFile("binary file (not text)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SkipFile(f"undecodable text: not valid UTF-8 at byte {e.start} (re-save the file as UTF-8)") from None
    return _normalise_newlines(text)


def _mostly_controls(sample: bytes) -> bool:
    bad = sum(1 for b in sample if (b < 32 or b == 127) and b not in _TEXT_CONTROLS)
    return bool(sample) and bad > len(sample) * 0.1


def _utf16_without_bom(sample: bytes) -> bool:
    # ASCII-range UTF-16 puts a NUL in every other byte; binary formats do not.
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    for zeros, chars in ((odd, even), (even, odd)):
        if zeros.count(0) > 0.9 * len(zeros) and chars.count(0) < 0.1 * len(chars):
            return not _mostly_controls(chars)
    return False


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[str]:
    """Lines ending in "\\n" (kept), as an editor numbers them.

    ``str.splitlines`` would also break at form feeds, U+2028 and other
    separators, which would shift every citation after them.
    """
    lines = text.split("\n")
    out = [ln + "\n" for ln in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def html_text(html: str) -> str:
    """Visible text of an HTML page: no tags, scripts, styles or comments."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for table in soup.find_all("table"):
        _table_as_rows(soup, table)
    lines = (ln.strip() for ln in soup.get_text("\n").splitlines())
    return "\n".join(ln for ln in lines if ln) + "\n"




def _table_as_rows(soup, table) -> None:
    """Replace an HTML table by one line per row that names its columns ("Plan: Plus | Storage: 100 GB").

    The first row is the header when it is in a ``<thead>`` or all its cells
    are ``<th>``; without one, each row keeps its cells alone. A nested table
    is read as text inside its cell.
    """
    from .sheets import row_line

    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    cells = [[" ".join(c.get_text(" ").split()) for c in tr.find_all(["td", "th"], recursive=False)] for tr in rows]
    if not cells:
        return
    header: list[str] = []
    first = rows[0].find_all(["td", "th"], recursive=False)
    if rows[0].find_parent("thead") is not None or (first and all(c.name == "th" for c in first)):
        header, cells = cells[0], cells[1:]
    lines = ([" | ".join(c for c in header if c)] if header else []) + [row_line(header, r) for r in cells]
    block = soup.new_tag("div")
    block.string = "\n" + "\n".join(ln for ln in lines if ln) + "\n"
    table.replace_with(block)
