"""Colour conversion through the output-intent profile, so screen matches print."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms


@lru_cache(maxsize=8)
def _transform(icc: Path) -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.getOpenProfile(str(icc)), ImageCms.createProfile("sRGB"), "CMYK", "RGB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )


def cmyk_to_srgb(cmyk: list[float], icc: Path) -> tuple[int, int, int]:
    """CMYK in percent -> sRGB bytes, as the printed colour looks on the profile's paper."""
    pixel = Image.new("CMYK", (1, 1), tuple(round(v * 2.55) for v in cmyk))
    return ImageCms.applyTransform(pixel, _transform(icc)).getpixel((0, 0))


@lru_cache(maxsize=8)
def _to_cmyk(icc: Path) -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(icc)), "RGB", "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )


def srgb_to_cmyk(rgb: tuple[int, int, int], icc: Path) -> tuple[float, float, float, float]:
    """sRGB bytes -> CMYK fractions on the profile's printing condition."""
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _to_cmyk(icc)).getpixel((0, 0))
    return tuple(round(v / 255, 3) for v in pixel)


NAMED = {"black": (0, 0, 0), "white": (255, 255, 255)}
SVG_COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"
                        r"|rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)"
                        r"|(?<=[\"':\s])(black|white)(?=[\"';\s])")


def svg_to_cmyk(svg: str, icc: Path) -> str:
    """The SVG with every sRGB colour (#rgb, #rrggbb, rgb(), black, white) given as
    device-cmyk() through the profile, so a print PDF holds no RGB. A shape without a fill
    is painted in SVG's default, black: the root says so, so that black is converted too."""
    converted: dict[tuple[int, int, int], str] = {}  # one transform per distinct colour

    def convert(match: re.Match) -> str:
        hexa, r, g, b, name = match.groups()
        if hexa:
            hexa = "".join(c * 2 for c in hexa) if len(hexa) == 3 else hexa
            rgb = tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
        elif name:
            rgb = NAMED[name]
        else:
            rgb = tuple(min(int(v), 255) for v in (r, g, b))
        if rgb not in converted:
            converted[rgb] = "device-cmyk({})".format(" ".join(f"{v:g}" for v in srgb_to_cmyk(rgb, icc)))
        return converted[rgb]

    return SVG_COLOUR.sub(convert, _default_paint(svg))


SVG_ROOT = re.compile(r"<svg\b[^>]*>")


def _default_paint(svg: str) -> str:
    """The root <svg> with fill and color set to black where it does not set them."""
    root = SVG_ROOT.search(svg)
    if root is None:
        return svg
    missing = [f'{name}="black"' for name in ("fill", "color")
               if not re.search(rf"\s{name}\s*=", root[0])]
    if not missing:
        return svg
    return svg[:root.start() + 4] + " " + " ".join(missing) + svg[root.start() + 4:]


def image_to_cmyk(data: bytes, icc: Path) -> bytes:
    """A raster logo as a CMYK JPEG through the profile (transparency flattened onto paper)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    ImageCms.applyTransform(flat, _to_cmyk(icc)).save(out, "JPEG", quality=95, dpi=(300, 300))
    return out.getvalue()
