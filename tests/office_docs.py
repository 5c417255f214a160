"""Real Office, PDF and CSV files for tests, written by the libraries made for each format.

Each writer takes plain Python data and returns the path it wrote.
"""
from __future__ import annotations

import csv
import io
import struct
import zlib
from pathlib import Path


def png_bytes(w: int = 8, h: int = 8) -> bytes:
    """A tiny grey PNG (an "image-only" page needs an image)."""
    raw = b"".join(b"\x00" + b"\x80" * w for _ in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def docx_file(path: Path, blocks: list, header: str = "", footer: str = "", image_only: bool = False) -> Path:
    """``blocks``: ("h1", text), ("h2", text), ("p", text) or ("table", [[cells], ...])."""
    import docx

    d = docx.Document()
    for kind, value in blocks:
        if kind == "table":
            t = d.add_table(rows=len(value), cols=len(value[0]))
            for r, row in enumerate(value):
                for c, cell in enumerate(row):
                    t.cell(r, c).text = str(cell)
        elif kind.startswith("h"):
            d.add_heading(value, int(kind[1:]))
        else:
            d.add_paragraph(value)
    if image_only:
        d.add_picture(io.BytesIO(png_bytes()))
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    d.save(path)
    return path


def pptx_file(path: Path, slides: list[dict], image_only: bool = False) -> Path:
    """``slides``: dicts with "title", "body" (list of lines) and "notes"."""
    import pptx

    prs = pptx.Presentation()
    for s in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1 if s.get("body") else 5])
        if s.get("title"):
            slide.shapes.title.text = s["title"]
        if s.get("body"):
            slide.placeholders[1].text = "\n".join(s["body"])
        if s.get("notes"):
            slide.notes_slide.notes_text_frame.text = s["notes"]
    if image_only:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.shapes.add_picture(io.BytesIO(png_bytes()), 0, 0)
    prs.save(path)
    return path


def xlsx_file(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = (), start_row: int = 1) -> Path:
    """``sheets``: title -> rows (first row the header), written from ``start_row``."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=start_row):
            for c, v in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=v)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def csv_file(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def pdf_file(path: Path, pages: list[list[str]], user_password: str = "", image_only: bool = False) -> Path:
    """``pages``: each page's lines; an empty list is a blank page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for ln in lines:
            pdf.multi_cell(0, 6, ln, new_x="LMARGIN", new_y="NEXT")
    if image_only:
        pdf.add_page()
        pdf.image(io.BytesIO(png_bytes(32, 32)), x=20, y=20, w=50)
    if user_password:
        pdf.set_encryption(owner_password=user_password + "-owner", user_password=user_password)
    pdf.output(str(path))
    return path


def encrypt_office(src: Path, dst: Path, password: str = "secret") -> Path:
    """A password-protected copy of an Office file (what Office's "Encrypt with password" writes)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as fh, open(dst, "wb") as out:
        OOXMLFile(fh).encrypt(password, out)
    return dst
