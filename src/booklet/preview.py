"""Previews: PNG spreads as a bound booklet shows them, and one contact sheet."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from .files import check_folder, write_atomic_all


def spreads(page_count: int) -> list[tuple[int | None, int | None]]:
    """Pages as they face each other: the covers alone, then (even, odd) pairs; 0-based."""
    pairs: list[tuple[int | None, int | None]] = [(None, 0)]
    for left in range(1, page_count - 1, 2):
        pairs.append((left, left + 1 if left + 1 < page_count - 1 else None))
    if page_count > 1:
        pairs.append((page_count - 1, None))
    return pairs


def render_pages(pdf_path: Path, dpi: float) -> list[Image.Image]:
    """Each page cropped to its TrimBox (what the reader holds), as RGB images."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    try:
        for page in pdf:
            left, bottom, right, top = page.get_trimbox()
            mleft, mbottom, mright, mtop = page.get_mediabox()
            scale = dpi / 72
            image = page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
            box = (round((left - mleft) * scale), round((mtop - top) * scale),
                   round((right - mleft) * scale), round((mtop - bottom) * scale))
            images.append(image.crop(box))
    finally:
        pdf.close()
    return images


def spread_images(pages: list[Image.Image]) -> list[Image.Image]:
    width, height = pages[0].size
    out = []
    for left, right in spreads(len(pages)):
        sheet = Image.new("RGB", (2 * width, height), "#d8d8d8")
        if left is not None:
            sheet.paste(pages[left], (0, 0))
        if right is not None:
            sheet.paste(pages[right], (width, 0))
        ImageDraw.Draw(sheet).line([(width, 0), (width, height)], fill="#9a9a9a", width=1)
        out.append(sheet)
    return out


def png(image: Image.Image, **options: bool) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def write_previews(pdf_path: Path, out_dir: Path, dpi: float = 110,
                   inputs: Sequence[Path] = ()) -> list[Path]:
    """One PNG per spread plus contact.png, written atomically (never through a link, never
    into ``inputs``); returns the files written."""
    check_folder(out_dir, inputs)
    sheets = spread_images(render_pages(pdf_path, dpi))
    outputs = [(png(sheet, optimize=False), out_dir / f"spread-{number:02d}.png")
               for number, sheet in enumerate(sheets, start=1)]
    columns = 3
    thumb_w = sheets[0].width // 3
    thumb_h = sheets[0].height // 3
    gap = 12
    rows = -(-len(sheets) // columns)
    contact = Image.new("RGB", (columns * (thumb_w + gap) + gap, rows * (thumb_h + gap) + gap),
                        "#ffffff")
    for index, sheet in enumerate(sheets):
        row, col = divmod(index, columns)
        contact.paste(sheet.resize((thumb_w, thumb_h), Image.Resampling.LANCZOS),
                      (gap + col * (thumb_w + gap), gap + row * (thumb_h + gap)))
    outputs.append((png(contact), out_dir / "contact.png"))
    write_atomic_all(outputs)
    return [path for _, path in outputs]
