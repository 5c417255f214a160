"""Plain text, Markdown and HTML: bytes to text, and text to lines as an editor numbers them."""
from __future__ import annotations

import codecs
import re

from .files import SkipFile

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_TEXT_CONTROLS = set(b"\t\n\r\f\v\x1b")  # control bytes that do occur in real text


def decode_text(raw: bytes, notes: list[str] | None = None) -> str:
    """Decode bytes as UTF-8 (or a BOM-marked UTF-16/32), refusing binary data.

    Text that was UTF-8, read once as Latin-1 or Windows-1252 and saved again
    ("BeyoncÃ©", "Itâ€™s") is repaired, with a line in ``notes``; ligature
    characters are spelled out (:func:`plain_letters`).
    """
    text = _decoded(raw)
    fixed = repair_mojibake(text)
    if fixed is not text and notes is not None:
        notes.append("repaired mis-encoded characters (UTF-8 that was read as Latin-1 once: \"Ã©\" is now \"é\")")
    return plain_letters(_normalise_newlines(fixed))


def _decoded(raw: bytes) -> str:
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                raise SkipFile(f"undecodable text: broken {enc.upper()} (re-save the file as UTF-8)") from None
    sample = raw[:8192]
    if _utf16_without_bom(sample):
        raise SkipFile("UTF-16 text without a byte-order mark (re-save the file as UTF-8)")
    if b"\x00" in raw or _mostly_controls(sample):
        raise SkipFile("binary file (not text)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SkipFile(f"undecodable text: not valid UTF-8 at byte {e.start} (re-save the file as UTF-8)") from None


# Two characters that UTF-8's bytes for one accented letter or punctuation mark
# become when read as Latin-1 or Windows-1252: a lead byte (Â Ã Å â ...) then a
# continuation byte (0x80-0xBF, or the Windows-1252 letter in that slot).
_MOJIBAKE = re.compile("[\u00c2-\u00df\u00e2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def repair_mojibake(text: str) -> str:
    """``text`` with doubly encoded UTF-8 undone, or ``text`` itself (the same object) when it is not that.

    Only when the whole text turns back into valid UTF-8 and has fewer such
    pairs after: real Latin-1 accents ("café") are not valid UTF-8 bytes, so
    text that merely contains them is left alone.
    """
    before = len(_MOJIBAKE.findall(text))
    if not before:
        return text
    try:
        fixed = bytes(_BYTE_OF[ord(ch)] for ch in text).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return text
    return fixed if len(_MOJIBAKE.findall(fixed)) < before else text


def _byte_table() -> dict[int, int]:
    """Character -> the byte it came from: Windows-1252 where it defines the byte, Latin-1 where it does not (0x81, 0x8D ...)."""
    table = {}
    for b in range(256):
        ch = bytes([b]).decode("cp1252", errors="ignore") or chr(b)
        table[ord(ch)] = b
    for b in range(0x80, 0xA0):  # C1 controls: Latin-1 reads them as themselves
        table.setdefault(b, b)
    return table


_BYTE_OF = _byte_table()


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


# Typographic ligatures that PDF text layers (and text pasted from them) carry
# as one character ("ﬁnancial"), and the invisible soft hyphen: no question
# spells them, so they would hide the word from search and matching.
_PLAIN = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                        "\ufb05": "st", "\ufb06": "st", "\u00ad": None})


def plain_letters(text: str) -> str:
    """``text`` with ligature characters spelled out ("ﬁ" -> "fi") and soft hyphens removed."""
    return text.translate(_PLAIN)


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
    cells = _grid(rows)
    if not cells:
        return
    header: list[str] = []
    first = rows[0].find_all(["td", "th"], recursive=False)
    if rows[0].find_parent("thead") is not None or (first and all(c.name == "th" for c in first)):
        header, cells = cells[0], cells[1:]
        # A cell spanning past the last column ("colspan=99") repeats its text there: one copy is enough.
        if header:
            cells = [r[: len(header)] if len(r) > len(header) and len(set(r[len(header) - 1 :])) == 1 else r for r in cells]
    lines = ([" | ".join(c for c in header if c)] if header else []) + [row_line(header, r) for r in cells]
    block = soup.new_tag("div")
    block.string = "\n" + "\n".join(ln for ln in lines if ln) + "\n"
    table.replace_with(block)


MAX_SPAN = 50  # a colspan or rowspan larger than this is taken as this: no real table spans more, and a huge one would only bloat a row


def _grid(rows) -> list[list[str]]:
    """The rows' cell texts with merged cells filled in: a ``rowspan`` cell's text in each row it covers, a ``colspan`` one's in each column.

    "Region" merged over three rows names the region in each of them, so
    every row line still says which region its figures belong to.
    """
    grid: list[list[str]] = []
    carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows it still covers)
    for tr in rows:
        out: list[str] = []

        def carry() -> None:
            while len(out) in carried:
                text, left = carried.pop(len(out))
                if left > 1:
                    carried[len(out)] = (text, left - 1)
                out.append(text)

        for cell in tr.find_all(["td", "th"], recursive=False):
            carry()
            text = " ".join(cell.get_text(" ").split())
            down, across = _span(cell.get("rowspan")), _span(cell.get("colspan"))
            for _ in range(across):
                if down > 1:
                    carried[len(out)] = (text, down - 1)
                out.append(text)
        carry()
        grid.append(out)
    return grid


def _span(value) -> int:
    """A cell's rowspan or colspan attribute as a count from 1 to MAX_SPAN (1 when missing or not a number)."""
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip()))) if value is not None else 1
    except ValueError:
        return 1
