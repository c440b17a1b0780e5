"""Test scans: render a text document to page images (DejaVu Sans, 300 dpi, light noise and a slight
rotation) and to an image-only PDF, or photograph one page (perspective and blur). No text layer."""
from __future__ import annotations

import io
import random
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4_MM = (210, 297)


def _page_size(dpi: int) -> tuple[int, int]:
    return tuple(round(mm / 25.4 * dpi) for mm in A4_MM)  # type: ignore[return-value]


def render_pages(text: str, dpi: int = 300, seed: int = 0, noise: float = 0.02, max_angle: float = 0.6,
                 max_pages: int | None = None) -> list[Image.Image]:
    """Typeset `text` (one paragraph per line; a tab separates the two header columns) on A4 pages."""
    rng = random.Random(seed)
    width, height = _page_size(dpi)
    size = round(12 / 72 * dpi)                 # 12 pt body text
    font = ImageFont.truetype(str(FONT), size)
    margin, line_h = round(dpi * 0.8), round(size * 1.45)
    chars = int((width - 2 * margin) / (size * 0.52))
    lines: list[tuple[str, str]] = []          # (left, right) columns
    for para in text.splitlines():
        if "\t" in para:
            left, _, right = para.partition("\t")
            lines.append((left.strip(), right.strip()))
            continue
        wrapped = textwrap.wrap(para.strip(), chars) or [""]
        lines.extend((w, "") for w in wrapped)
    per_page = (height - 2 * margin) // line_h
    pages = []
    for start in range(0, len(lines), per_page):
        if max_pages is not None and len(pages) >= max_pages:
            break
        page = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(page)
        for row, (left, right) in enumerate(lines[start:start + per_page]):
            y = margin + row * line_h
            draw.text((margin, y), left, font=font, fill=0)
            if right:
                draw.text((width // 2 + margin // 4, y), right, font=font, fill=0)
        pages.append(_scan_effects(page, rng, noise, max_angle))
    return pages


def _scan_effects(page: Image.Image, rng: random.Random, noise: float, max_angle: float) -> Image.Image:
    angle = rng.uniform(-max_angle, max_angle)
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    pixels = page.load()
    w, h = page.size
    for _ in range(int(w * h * noise / 100)):   # salt-and-pepper specks
        pixels[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 255))
    return page


def image_pdf(pages: list[Image.Image], dpi: int = 300) -> bytes:
    """An image-only PDF: pages are pictures, there is no text layer."""
    out = io.BytesIO()
    rgb = [p.convert("RGB") for p in pages]
    rgb[0].save(out, format="PDF", save_all=True, append_images=rgb[1:], resolution=dpi)
    return out.getvalue()


def photograph(page: Image.Image, seed: int = 0) -> bytes:
    """A phone photo of a page: perspective skew, slight blur, grey paper, JPEG."""
    rng = random.Random(seed)
    w, h = page.size
    d = 0.04
    quad = (rng.uniform(0, d) * w, rng.uniform(0, d) * h, rng.uniform(0, d) * w, h - rng.uniform(0, d) * h,
            w - rng.uniform(0, d) * w, h - rng.uniform(0, d) * h, w - rng.uniform(0, d) * w, rng.uniform(0, d) * h)
    photo = page.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC, fillcolor=200)
    photo = photo.filter(ImageFilter.GaussianBlur(1.2)).point(lambda v: int(40 + v * 0.75))
    out = io.BytesIO()
    photo.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()
