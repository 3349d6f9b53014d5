"""Colour conversion through the output-intent profile, so screen matches print."""

from __future__ import annotations

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
