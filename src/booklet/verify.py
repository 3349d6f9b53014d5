"""Verify stage: check the written PDF itself, not what we meant to write.

Used by every build (a failed check aborts before anything is written) and by the tests. The
checks are the preflight's (``booklet preflight``, in ``preflight.py``), run with the families of
fonts/ so that no other font passes.
"""

from __future__ import annotations

from .preflight import A5, BLEED, MM, TOLERANCE, Finding, is_ours, pdf_fonts, preflight

__all__ = ["A5", "BLEED", "MM", "TOLERANCE", "Finding", "check_pdf", "is_ours", "pdf_fonts"]


def check_pdf(data: bytes, variant: str, families: set[str], saddle_stitched: bool = True,
              marks: str | None = None) -> list[Finding]:
    """Everything that fails a preflight check of the PDF as ``variant`` (with the ``marks`` it
    was written with); [] when it is fine."""
    return preflight(data, variant, families, saddle_stitched, marks).findings
