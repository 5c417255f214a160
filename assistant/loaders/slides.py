"""PowerPoint (.pptx): each slide's title, body text, tables and speaker notes, in slide order."""
from __future__ import annotations

import io

from .files import SkipFile
from .located import Builder, one_line
from .package import check_container, open_error
from .pdf import IMAGES_ONLY
from .sheets import row_line


def load_pptx(raw: bytes) -> Builder:
    """Every line of slide ``n`` at ``{"slide": n}`` (from 1); no chunk spans two slides."""
    import pptx

    check_container(raw, ".pptx")
    out = Builder()
    pictures = 0
    try:
        prs = pptx.Presentation(io.BytesIO(raw))
        for n, slide in enumerate(prs.slides, start=1):
            out.new_unit()
            loc = {"slide": n}
            title = slide.shapes.title
            if title is not None and title.has_text_frame and title.text_frame.text.strip():
                out.add(one_line(title.text_frame.text), loc)
            for shape in _shapes(slide.shapes):
                if title is not None and shape.shape_id == title.shape_id:
                    continue
                pictures += shape.shape_type == 13  # MSO_SHAPE_TYPE.PICTURE
                if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                    for p in shape.text_frame.paragraphs:
                        out.add(p.text, loc)
                elif getattr(shape, "has_table", False) and shape.has_table:
                    rows = [[one_line(c.text) for c in row.cells] for row in shape.table.rows]
                    if rows:
                        out.add(" | ".join(c for c in rows[0] if c), loc)
                        for row in rows[1:]:
                            out.add(row_line(rows[0], row), loc)
            if slide.has_notes_slide:
                notes = slide.notes_slide.notes_text_frame
                if notes is not None and notes.text.strip():
                    out.add("Notes: " + one_line(notes.text), loc)
    except SkipFile:
        raise
    except Exception as e:  # a library fed a hostile file can raise anything
        raise open_error(e, ".pptx") from None
    if not out.has_text:
        raise SkipFile(IMAGES_ONLY if pictures else "no text content")
    return out


def _shapes(shapes):
    """Shapes in order, the members of groups included."""
    for shape in shapes:
        if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(shape.shapes)
        else:
            yield shape
