"""Preflight: check any PDF, ours or not, against what the print shop or the web needs.

``booklet preflight PDF`` prints the report and exits 1 when a check fails; every build runs
the same checks on the PDF it has just written (``verify.check_pdf``) and fails on what they find.
Page contents are read with pypdf (colour, images, fonts in use) and the text's position with
PDFium (the safety zone).
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import click
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, ContentStream, DecodedStreamObject, DictionaryObject, StreamObject

from . import limits
from .compose import VARIANTS
from .errors import BookletError, printable
from .load import Unreadable, read_bounded

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
BLEED = 3 * MM
SAFETY = 3 * MM  # text keeps this far inside the trim edge
MIN_DPI = 300  # effective resolution of images at their placed size (print)
TOLERANCE = 0.05  # points

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PDFXID = "http://www.npes.org/pdfx/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
DC = "http://purl.org/dc/elements/1.1/"


@dataclass(frozen=True)
class Finding:
    page: int  # 1-based; 0 for the whole document
    message: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}" if self.page else self.message


@dataclass
class Check:
    """One check: it passes when it has no details (what is wrong); notes fail nothing."""

    name: str
    summary: str = ""
    details: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.details


@dataclass(frozen=True)
class Font:
    """A font in the PDF's resources and the pages whose text uses it."""

    name: str  # BaseFont, with the subset tag (ABCDEF+) if any
    kind: str  # Type1, TrueType, Type3, Type0/CIDFontType2, ...
    embedded: bool
    pages: tuple[int, ...] = ()

    @property
    def subset(self) -> bool:
        return bool(re.match(r"[A-Z]{6}\+", self.name))


@dataclass
class Report:
    variant: str
    pages: int
    checks: list[Check]
    fonts: list[Font]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def findings(self) -> list[Finding]:
        """Everything that fails a check, in check order."""
        return [finding for check in self.checks for finding in check.details]

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)


def preflight(data: bytes, variant: str, families: set[str] | None = None,
              saddle_stitched: bool = True, marks: str | None = None) -> Report:
    """Check a PDF as the print or the screen variant of the booklet.

    ``families``: the font families the PDF may use (WeasyPrint names a font after its
    @font-face family); None allows any font and only lists them. ``saddle_stitched``: a
    booklet, whose page count must be a multiple of 4 (not a handout's loose sheets).
    ``marks`` (print): "crop" requires the eight crop marks on every page, "none" bare boxes
    (MediaBox = BleedBox, no marks); None takes what it finds.
    """
    if variant not in VARIANTS:
        raise BookletError(f"unknown variant '{variant}' (expected one of: {', '.join(VARIANTS)})")
    reader = _read(data)
    budget = Budget()
    scans = [_scan_page(reader, page, number, budget) for number, page in enumerate(reader.pages, start=1)]
    fonts = _fonts(reader, scans)
    checks = [_check_boxes(reader, variant)]
    if variant == "print" and saddle_stitched:
        checks.append(_check_page_count(len(reader.pages)))
    checks.append(_check_fonts(fonts, families))
    if variant == "print":
        checks += [_check_output_intent(reader), _check_pdfx_version(reader), _check_colour(reader, scans),
                   _check_images(scans), _check_safety_zone(data, reader), _check_marks(reader, scans, marks),
                   _check_annotations(reader)]
    else:
        checks.append(_check_accessible(reader))
    return Report(variant, len(reader.pages), checks, fonts)


def _read(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and aes(reader):
            raise DependencyError("AES")
        if reader.is_encrypted and not reader.decrypt(""):
            raise BookletError("the PDF is encrypted with a password: it cannot be checked")
        count = len(reader.pages)
    except DependencyError as exc:  # AES needs the cryptography package, which booklet does not use
        raise BookletError("the PDF is encrypted (AES), which booklet does not decrypt: it cannot be "
                           "checked, and PDF/X forbids encryption") from exc
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        raise BookletError(f"not a readable PDF: {exc}") from exc
    if not count:
        raise BookletError("the PDF has no pages")
    check_pages(reader)
    return reader


def aes(reader: PdfReader) -> bool:
    """Whether an encrypted PDF uses AES (pypdf would need the cryptography package for it)."""
    encrypt = _dict(reader.trailer.get("/Encrypt"))
    methods = {str(_dict(f).get("/CFM")) for f in _dict(encrypt.get("/CF")).values()}
    return _int(encrypt.get("/V")) >= 5 or bool(methods & {"/AESV2", "/AESV3"})


def check_pages(reader: PdfReader) -> None:
    """Each page's boxes are four numbers and its /Rotate a whole number: what every check
    (and impose) reads of a page before its content."""
    for number, page in enumerate(reader.pages, start=1):
        try:
            for box in (page.mediabox, page.cropbox, page.bleedbox, page.trimbox):
                _box(box)
            rotate = page.get("/Rotate")
            rotate = rotate.get_object() if rotate is not None else 0
            if not isinstance(rotate, int) or rotate % 90 or abs(rotate) > 3600:
                raise ValueError(f"/Rotate is {rotate!r}, not a multiple of 90")
        except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise BookletError(printable(f"page {number}: not a readable page ({exc})")) from exc


# -- page boxes and count ------------------------------------------------------------------


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def _box(value) -> Box:
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _mm(box: Box) -> str:
    return f"{(box[2] - box[0]) / MM:.1f} × {(box[3] - box[1]) / MM:.1f} mm"


def _check_boxes(reader: PdfReader, variant: str) -> Check:
    bleed = BLEED if variant == "print" else 0.0
    every = f"all {len(reader.pages)} pages" if len(reader.pages) > 1 else "its page"
    margin = f"{bleed / MM:g} mm bleed" if bleed else "no bleed"
    check = Check("page boxes", f"A5 trim (148 × 210 mm), {margin}, on {every}")
    slugs = set()  # the MediaBox beyond the BleedBox, where printer's marks go
    for number, page in enumerate(reader.pages, start=1):
        if variant == "print" and "/TrimBox" not in page:
            check.details.append(Finding(number, "no TrimBox: the print shop cannot tell where to cut"))
        trim, media = _box(page.trimbox), _box(page.mediabox)
        bleedbox = _box(page.bleedbox)
        if not (_close(trim[2] - trim[0], A5[0]) and _close(trim[3] - trim[1], A5[1])):
            check.details.append(Finding(number, f"TrimBox is {_mm(trim)}, not A5 (148 × 210 mm)"))
        if variant == "screen" and not all(_close(a, b) for a, b in zip(media, trim, strict=True)):
            check.details.append(Finding(number, f"page is {_mm(media)}, not its {_mm(trim)} trim: "
                                                 "a screen PDF has no bleed"))
            continue
        sides = (trim[0] - bleedbox[0], trim[1] - bleedbox[1], bleedbox[2] - trim[2], bleedbox[3] - trim[3])
        if not all(_close(side, bleed) for side in sides):
            found = ", ".join(f"{s / MM:.1f}" for s in sides)
            wanted = f"the trim plus {bleed / MM:g} mm on every side" if bleed else "the trim (no bleed)"
            check.details.append(Finding(number, f"BleedBox is not {wanted} (left, bottom, right, top: "
                                                 f"{found} mm)"))
        if not (media[0] <= bleedbox[0] + TOLERANCE and media[1] <= bleedbox[1] + TOLERANCE
                and media[2] >= bleedbox[2] - TOLERANCE and media[3] >= bleedbox[3] - TOLERANCE):
            check.details.append(Finding(number, f"MediaBox ({_mm(media)}) does not hold the BleedBox"))
        slugs |= {round((b - m) / MM, 1) for b, m in zip(bleedbox[:2], media[:2], strict=True)}
        slugs |= {round((m - b) / MM, 1) for b, m in zip(bleedbox[2:], media[2:], strict=True)}
    if len(slugs) == 1 and slugs != {0}:
        check.summary = check.summary.replace(", on", f", {slugs.pop():g} mm slug, on")
    return check


# Annotations PDF/X lets stand in the printed area: the printer's own, none of a reader's.
PRINTERS_ANNOTATIONS = {"/PrinterMark", "/TrapNet"}


def _check_annotations(reader: PdfReader) -> Check:
    """No annotation (a link, a note) within the BleedBox, the area that is printed: on paper
    a link does nothing, and a RIP may print or refuse it (links belong in the screen PDF)."""
    check = Check("annotations", "none in the printed area (the BleedBox)")
    for number, page in enumerate(reader.pages, start=1):
        bleed = _box(page.bleedbox)
        annotations = page.get("/Annots")
        for annotation in annotations.get_object() if annotations is not None else []:
            annotation = _dict(annotation)
            subtype = str(annotation.get("/Subtype", "/?"))
            if subtype in PRINTERS_ANNOTATIONS or "/Rect" not in annotation:
                continue
            x0, y0, x1, y1 = _box(annotation["/Rect"])
            if x0 < bleed[2] and x1 > bleed[0] and y0 < bleed[3] and y1 > bleed[1]:
                where = f"{(x0 - bleed[0]) / MM:.0f} mm, {(y0 - bleed[1]) / MM:.0f} mm"
                check.details.append(Finding(number, f"a {subtype[1:]} annotation in the printed area "
                                                     f"(at {where} from the bleed's lower left corner)"))
    return check


def _check_page_count(count: int) -> Check:
    check = Check("page count", f"{_n(count, 'page')}, a multiple of 4")
    if count % 4:
        check.details.append(Finding(0, f"{_n(count, 'page')}: a saddle-stitched booklet needs a multiple "
                                        "of 4"))
    return check


# -- reading page contents -----------------------------------------------------------------


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """The matrix that applies ``m``, then ``n`` (PDF's row-vector convention: ``cm`` is m × CTM)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bounds(points: Iterable[tuple[float, float]]) -> Box | None:
    points = list(points)
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _unit_square(m: Matrix) -> Box:
    return _bounds(_point(m, x, y) for x in (0, 1) for y in (0, 1))  # type: ignore[return-value]


def _int(value) -> int:
    value = value.get_object() if value is not None else 0
    return int(value) if isinstance(value, int | float) else 0


def _dict(value) -> DictionaryObject:
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def colour_space(value, resources: DictionaryObject | None = None, depth: int = 0) -> str:
    """The family of a colour space: RGB, CMYK, Gray, Lab, Separation, DeviceN, Pattern (or
    Pattern:RGB for an uncoloured pattern over RGB), or ? when it cannot be told."""
    value = value.get_object() if value is not None else None
    if value is None or depth > 8:
        return "?"
    if isinstance(value, ArrayObject):
        if not value:
            return "?"
        family = str(value[0])
        if family == "/ICCBased":
            return {1: "Gray", 3: "RGB", 4: "CMYK"}.get(_int(_dict(value[1]).get("/N")), "?")
        if family in ("/Indexed", "/I") and len(value) > 1:
            return colour_space(value[1], resources, depth + 1)
        if family == "/Pattern":
            base = colour_space(value[1], resources, depth + 1) if len(value) > 1 else ""
            return "Pattern:RGB" if base == "RGB" else "Pattern"
        if len(value) == 1:
            return colour_space(value[0], resources, depth + 1)
        value = value[0]
    name = str(value)
    families = {"/DeviceRGB": "RGB", "/RGB": "RGB", "/CalRGB": "RGB", "/DeviceCMYK": "CMYK", "/CMYK": "CMYK",
                "/DeviceGray": "Gray", "/G": "Gray", "/CalGray": "Gray", "/Lab": "Lab", "/Pattern": "Pattern",
                "/Separation": "Separation", "/DeviceN": "DeviceN"}
    if name in families:
        return families[name]
    named = _dict(resources).get("/ColorSpace")
    if named is not None and name in _dict(named):
        return colour_space(_dict(named)[name], resources, depth + 1)
    return "?"


@dataclass(frozen=True)
class Placed:
    """An image drawn on a page: its pixels and the CTM that maps its unit square."""

    width: int
    height: int
    ctm: Matrix

    @property
    def size(self) -> tuple[float, float]:
        """Placed width and height in points."""
        a, b, c, d, _e, _f = self.ctm
        return math.hypot(a, b), math.hypot(c, d)

    @property
    def dpi(self) -> float:
        w, h = self.size
        if w < TOLERANCE or h < TOLERANCE:
            return math.inf
        return min(self.width / (w / 72), self.height / (h / 72))


NOWHERE: Box = (math.inf, math.inf, -math.inf, -math.inf)  # a clip that nothing passes


def _clipped(box: Box, clip: Box | None) -> Box | None:
    """The part of ``box`` inside ``clip`` (None: unclipped); None when nothing is left."""
    if clip is None:
        return box
    x0, y0, x1, y1 = max(box[0], clip[0]), max(box[1], clip[1]), min(box[2], clip[2]), min(box[3], clip[3])
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill_space: str = "Gray"
    stroke_space: str = "Gray"
    fill_rgb: bool = False
    stroke_rgb: bool = False
    fill_registration: bool = False  # all four inks at 100 % (or the /All separation)
    stroke_registration: bool = False
    line_width: float = 1.0
    render_mode: int = 0
    clip: Box | None = None  # the clipping path's bounds, in page space (None: unclipped)


@dataclass(frozen=True)
class Paint:
    """One painting operation of a page's content, in the order drawn: what (fill, stroke,
    image, shading) and the bounds of what it can show, clipped."""

    kind: str
    box: Box
    registration: bool = False

    @property
    def path(self) -> bool:
        return self.kind in ("fill", "stroke")


@dataclass
class _Scan:
    """What one page's content draws: RGB paint (what, where; None = somewhere on the page),
    every painting operation in order, images and the fonts its text uses."""

    page: int
    rgb: list[tuple[str, Box | None]] = field(default_factory=list)
    paints: list[Paint] = field(default_factory=list)
    images: list[Placed] = field(default_factory=list)
    fonts: set[str] = field(default_factory=set)
    error: str = ""

    def painted(self, kind: str, box: Box, state: _State, registration: bool = False) -> None:
        visible = _clipped(box, state.clip)
        if visible is not None:
            self.paints.append(Paint(kind, visible, registration))


FILL_OPS = {b"f", b"F", b"f*"}
STROKE_OPS = {b"S", b"s"}
BOTH_OPS = {b"B", b"B*", b"b", b"b*"}
SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


HEX_STRING = re.compile(rb"<[0-9A-Fa-f\s]*+>")
GLYPH_ARRAY = re.compile(rb"\[(?:\s*+(?:<[0-9A-Fa-f\s]*+>|[-+]?(?:\d+\.?\d*|\.\d+)))*+\s*+\]\s*+TJ")
INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


class Budget:
    """The work reading one PDF's content may take, whatever the file's size: bytes of content
    decoded, tokens parsed and operators interpreted (limits.PDF_DECODED_BYTES, PDF_TOKENS,
    PDF_OPERATORS). A stream drawn many times is decoded and parsed once (memoised), but its
    operators count each time it is drawn. Crossing a limit is one clear error, never
    minutes or gigabytes."""

    def __init__(self) -> None:
        self.decoded = self.tokens = self.operators = 0
        self.parsed: dict[object, list] = {}  # a stream's object number (or id) -> its operations

    def spend(self, decoded: int = 0, tokens: int = 0, operators: int = 0) -> None:
        self.decoded += decoded
        self.tokens += tokens
        self.operators += operators
        if self.decoded > limits.PDF_DECODED_BYTES:
            most = limits.PDF_DECODED_BYTES // limits.MB
            raise BookletError(f"the PDF's content decodes to more than {most:,} MB, each stream counted "
                               "every time a page lists it (the limit): not read further")
        if self.tokens > limits.PDF_TOKENS:
            raise BookletError(f"the PDF's content holds more than {limits.PDF_TOKENS:,} numbers, names and "
                               "operators (the limit): not read further")
        if self.operators > limits.PDF_OPERATORS:
            raise BookletError(f"the PDF's content draws more than {limits.PDF_OPERATORS:,} operations, a "
                               "form's counted each time it is drawn (the limit): not read further")


# What may begin a token of a content stream after the first: white space or a delimiter.
# Their count bounds the tokens a parse would make, known at C speed before parsing.
SEPARATORS = tuple(bytes([c]) for c in b" \t\r\n\f\0()<>[]{}/%")


def decoded(stream, budget: Budget) -> bytes:
    """A stream's decoded bytes, each filter bounded by pypdf's limits, counted in ``budget``."""
    stream = stream.get_object() if stream is not None else None
    if not isinstance(stream, StreamObject):
        return b""  # a dangling or broken reference draws nothing
    try:
        data = stream.get_data()
    except LimitReachedError as exc:
        raise BookletError(f"a content stream decodes past pypdf's limit ({exc}): not read further") from exc
    budget.spend(decoded=len(data))
    return data


def operations(stream: StreamObject, reader: PdfReader, budget: Budget) -> list:
    """A content stream's operations (see parse), memoised in ``budget``: a form drawn a
    thousand times is decoded and parsed once, its operators counted each time."""
    key = getattr(stream, "indirect_reference", None)
    key = (key.idnum, key.generation) if key is not None else id(stream)
    if key in budget.parsed:
        budget.spend(operators=len(budget.parsed[key]))
        return budget.parsed[key]
    budget.parsed[key] = ops = parse(decoded(stream, budget), reader, budget)
    return ops


def page_operations(page, reader: PdfReader, budget: Budget) -> list:
    """The operations of a page's /Contents, one stream or an array of them read as one (an
    operator's operands may end one stream and its name begin the next)."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, ArrayObject):
        return parse(b"\n".join(decoded(part, budget) for part in contents), reader, budget)
    return operations(contents, reader, budget) if isinstance(contents, StreamObject) else []


def parse(data: bytes, reader: PdfReader, budget: Budget) -> list:
    """Content bytes as operations, parsed by pypdf once their number is known to be within the
    budget. The glyph codes of the text (hex strings and TJ arrays of them) are emptied first:
    no check needs them, and they are most of the parsing time. Not when the stream has inline
    images, whose data must stay intact."""
    if not INLINE_IMAGE.search(data):
        data = HEX_STRING.sub(b"<>", GLYPH_ARRAY.sub(b"[] TJ", data))
    budget.spend(tokens=1 + sum(data.count(c) for c in SEPARATORS))  # before a parse that holds them all
    plain = DecodedStreamObject()
    plain.set_data(data)
    ops = ContentStream(plain, reader).operations
    budget.spend(operators=len(ops))
    return ops


class _Interpreter:
    """Walks a content stream (and the forms it draws) tracking the CTM and the colours."""

    def __init__(self, reader: PdfReader, scan: _Scan, budget: Budget):
        self.reader = reader
        self.scan = scan
        self.budget = budget
        self.forms: list[int] = []  # the forms being drawn, against recursion
        self.patterns: dict[int, bool] = {}  # tiling pattern -> whether it paints in RGB

    def run(self, ops: list, resources: DictionaryObject, state: _State, depth: int = 0) -> None:
        stack: list[_State] = []
        path: list[list[tuple[float, float]]] = []  # subpaths, in page space
        clipping = False  # W or W*: the path clips once it is painted (usually by n)
        for operands, op in ops:
            if op == b"q":
                stack.append(replace(state))
            elif op == b"Q":
                state = stack.pop() if stack else state
            elif op == b"cm" and len(operands) == 6:
                state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
            elif op == b"w" and operands:
                state.line_width = float(operands[0])
            elif op in (b"m", b"l", b"c", b"v", b"y"):
                pairs = zip(operands[::2], operands[1::2], strict=False)
                points = [_point(state.ctm, float(x), float(y)) for x, y in pairs]
                if op == b"m" or not path:
                    path.append(points)
                else:
                    path[-1] += points
            elif op == b"re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                path.append([_point(state.ctm, px, py) for px in (x, x + w) for py in (y, y + h)])
            elif op in (b"W", b"W*"):
                clipping = True
            elif op in FILL_OPS | STROKE_OPS | BOTH_OPS or op == b"n":
                self._paint(op, path, state)
                if clipping:
                    bounds = _bounds(p for subpath in path for p in subpath)
                    state.clip = NOWHERE if bounds is None else _clipped(bounds, state.clip) or NOWHERE
                path, clipping = [], False
            else:
                self._other(op, operands, resources, state, depth)

    def _paint(self, op: bytes, path: list[list[tuple[float, float]]], state: _State) -> None:
        box = _bounds(p for subpath in path if len(subpath) > 1 for p in subpath)
        if box is None:
            return
        fills, strokes = op in FILL_OPS | BOTH_OPS, op in STROKE_OPS | BOTH_OPS
        a, b, c, d, _e, _f = state.ctm
        half = state.line_width * math.sqrt(abs(a * d - b * c)) / 2  # of the stroke, in page space
        if fills and state.fill_rgb:
            self.scan.rgb.append(("fill", box))
        if strokes and state.stroke_rgb:
            self.scan.rgb.append(("stroke", _grown(box, half)))
        for subpath in path:  # each on its own: one stroke may draw all eight crop marks
            part = _bounds(subpath) if len(subpath) > 1 else None
            if part is not None and fills:
                self.scan.painted("fill", part, state, state.fill_registration)
            if part is not None and strokes:
                self.scan.painted("stroke", _grown(part, half), state, state.stroke_registration)

    def _other(self, op: bytes, operands, resources: DictionaryObject, state: _State, depth: int) -> None:
        if op in (b"cs", b"CS") and operands:
            space = "All" if _is_all(operands[0], resources) else colour_space(operands[0], resources)
            # a separation starts at tint 1: /All is registration colour from the start
            _set_colour(state, op == b"cs", space, space == "RGB", space == "All")
        elif op in (b"sc", b"scn", b"SC", b"SCN"):
            fill = op in (b"sc", b"scn")
            space = state.fill_space if fill else state.stroke_space
            rgb = space == "RGB"
            if space.startswith("Pattern") and operands and isinstance(operands[-1], str):
                rgb = self._pattern_is_rgb(operands[-1], space, resources, depth)
            _set_colour(state, fill, space, rgb, _registration(space, operands))
        elif op in (b"rg", b"RG", b"g", b"G", b"k", b"K"):
            space = {b"rg": "RGB", b"RG": "RGB", b"g": "Gray", b"G": "Gray", b"k": "CMYK", b"K": "CMYK"}[op]
            _set_colour(state, op.islower(), space, space == "RGB", _registration(space, operands))
        elif op == b"Tf" and operands:
            font = _dict(_dict(resources.get("/Font")).get(str(operands[0])))
            self.scan.fonts.add(str(font.get("/BaseFont", operands[0])).lstrip("/"))
        elif op == b"Tr" and operands:
            state.render_mode = int(operands[0])
        elif op in SHOW_TEXT:
            fills, strokes = state.render_mode in (0, 2, 4, 6), state.render_mode in (1, 2, 5, 6)
            if (fills and state.fill_rgb) or (strokes and state.stroke_rgb):
                self.scan.rgb.append(("text", None))
        elif op == b"gs" and operands:
            width = _dict(_dict(resources.get("/ExtGState")).get(str(operands[0]))).get("/LW")
            state.line_width = float(width) if width is not None else state.line_width
        elif op == b"sh" and operands:
            shading = _dict(_dict(resources.get("/Shading")).get(str(operands[0])))
            if colour_space(shading.get("/ColorSpace"), resources) == "RGB":
                self.scan.rgb.append(("shading", None))
            if state.clip is not None:  # a shading fills the clip
                self.scan.painted("shading", state.clip, state)
        elif op == b"Do" and operands:
            self._draw(str(operands[0]), resources, state, depth)
        elif op == b"INLINE IMAGE":
            settings = _dict(operands.get("settings")) if isinstance(operands, dict) else DictionaryObject()
            image = {full: settings.get(short, settings.get(full)) for short, full in (
                ("/W", "/Width"), ("/H", "/Height"), ("/IM", "/ImageMask"), ("/CS", "/ColorSpace"))}
            self._image(image, resources, state)

    def _image(self, image, resources: DictionaryObject, state: _State) -> None:
        self.scan.images.append(Placed(_int(image.get("/Width")), _int(image.get("/Height")), state.ctm))
        self.scan.painted("image", _unit_square(state.ctm), state)
        if image.get("/ImageMask"):
            rgb = state.fill_rgb
        else:
            rgb = colour_space(image.get("/ColorSpace"), resources) == "RGB"
        if rgb:
            self.scan.rgb.append(("image", _unit_square(state.ctm)))

    def _draw(self, name: str, resources: DictionaryObject, state: _State, depth: int) -> None:
        reference = _dict(resources.get("/XObject")).get(name)
        xobject = reference.get_object() if reference is not None else None
        if not isinstance(xobject, StreamObject):
            return
        if xobject.get("/Subtype") == "/Image":
            self._image(xobject, resources, state)
            return
        key = getattr(reference, "idnum", id(xobject))
        if xobject.get("/Subtype") != "/Form" or key in self.forms or depth > limits.PDF_FORM_DEPTH:
            return
        matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
        inner = replace(state, ctm=_mul(matrix, state.ctm))  # type: ignore[arg-type]
        sub_resources = _dict(xobject.get("/Resources")) or resources
        bbox = _box(xobject.get("/BBox", (0, 0, 0, 0)))
        area: Box = _bounds(_point(inner.ctm, x, y)  # type: ignore[assignment]
                            for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3]))
        inner.clip = _clipped(area, inner.clip) or NOWHERE  # a form shows only inside its BBox
        if colour_space(_dict(xobject.get("/Group")).get("/CS"), sub_resources) == "RGB":
            self.scan.rgb.append(("transparency group", area))
        self.forms.append(key)
        try:
            self.run(operations(xobject, self.reader, self.budget), sub_resources, inner, depth + 1)
        finally:
            self.forms.pop()

    def _pattern_is_rgb(self, name: str, space: str, resources: DictionaryObject, depth: int) -> bool:
        pattern = _dict(resources.get("/Pattern")).get(name)
        pattern = pattern.get_object() if pattern is not None else None
        if not isinstance(pattern, DictionaryObject):
            return False
        if pattern.get("/PatternType") == 2:  # shading pattern
            return colour_space(_dict(pattern.get("/Shading")).get("/ColorSpace"), resources) == "RGB"
        if pattern.get("/PaintType") == 2:  # uncoloured tiling: coloured through the base space
            return space == "Pattern:RGB"
        key = id(pattern)
        if key not in self.patterns and isinstance(pattern, StreamObject) and depth < limits.PDF_FORM_DEPTH:
            # a coloured tiling pattern paints with its own colours: read its cell once, in
            # the page's default space (where the pattern matrix maps it)
            self.patterns[key] = False
            inner = _Scan(self.scan.page)
            matrix = tuple(float(v) for v in pattern.get("/Matrix", IDENTITY))
            cell = operations(pattern, self.reader, self.budget)
            _Interpreter(self.reader, inner, self.budget).run(cell, _dict(pattern.get("/Resources")),
                                                              _State(ctm=matrix), depth + 1)
            self.scan.images += inner.images
            self.patterns[key] = bool(inner.rgb)
        return self.patterns.get(key, False)


def _grown(box: Box, by: float) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _set_colour(state: _State, fill: bool, space: str, rgb: bool, registration: bool) -> None:
    if fill:
        state.fill_space, state.fill_rgb, state.fill_registration = space, rgb, registration
    else:
        state.stroke_space, state.stroke_rgb, state.stroke_registration = space, rgb, registration


def _registration(space: str, operands) -> bool:
    """Whether a colour is registration colour: every CMYK ink, or the /All separation, at 100 %."""
    values = [v for v in operands if isinstance(v, int | float)]
    wanted = {"CMYK": 4, "All": 1}.get(space)
    return len(values) == wanted and all(float(v) >= 1 - 1e-6 for v in values)


def _is_all(value, resources: DictionaryObject) -> bool:
    """Whether a colour space is the /All separation (every plate)."""
    value = value.get_object() if value is not None else None
    if not isinstance(value, ArrayObject):  # a name: the page's resources say what it is
        named = _dict(_dict(resources).get("/ColorSpace")).get(str(value))
        value = named.get_object() if named is not None else None
    return isinstance(value, ArrayObject) and [str(v) for v in value[:2]] == ["/Separation", "/All"]


def _scan_page(reader: PdfReader, page, number: int, budget: Budget) -> _Scan:
    scan = _Scan(number)
    resources = _dict(page.get("/Resources"))
    if colour_space(_dict(page.get("/Group")).get("/CS"), resources) == "RGB":
        scan.rgb.append(("transparency group", None))
    try:
        state = _State(clip=_box(page.mediabox))  # nothing outside the MediaBox shows
        _Interpreter(reader, scan, budget).run(page_operations(page, reader, budget), resources, state)
    except BookletError:  # a limit reached: the whole PDF is not read further
        raise
    except Exception as exc:  # noqa: BLE001 - any PDF: a page that cannot be read is a finding
        scan.error = f"its content cannot be read ({exc})"
    return scan


# -- fonts ---------------------------------------------------------------------------------


def _font_dicts(reader: PdfReader) -> Iterable[DictionaryObject]:
    """Every font dictionary in the pages' resources, and in the forms and patterns they draw."""
    seen: set[int] = set()

    def visit(resources) -> Iterable[DictionaryObject]:
        resources = _dict(resources)
        if id(resources) in seen or not resources:
            return
        seen.add(id(resources))
        for font in _dict(resources.get("/Font")).values():
            yield _dict(font)
        for kind in ("/XObject", "/Pattern"):
            for item in _dict(resources.get(kind)).values():
                yield from visit(_dict(item).get("/Resources"))

    for page in reader.pages:
        yield from visit(page.get("/Resources"))


def _font(font: DictionaryObject) -> Font:
    subtype = str(font.get("/Subtype", "?")).lstrip("/")
    descendants = font.get("/DescendantFonts")
    target = _dict(descendants.get_object()[0]) if descendants else font
    kind = f"{subtype}/{str(target.get('/Subtype', '?')).lstrip('/')}" if descendants else subtype
    descriptor = _dict(target.get("/FontDescriptor"))
    embedded = subtype == "Type3" or any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return Font(str(font.get("/BaseFont", "?")).lstrip("/"), kind, embedded)


def _fonts(reader: PdfReader, scans: list[_Scan]) -> list[Font]:
    used: dict[str, list[int]] = defaultdict(list)
    for scan in scans:
        for name in scan.fonts:
            used[name].append(scan.page)
    fonts: dict[str, Font] = {}
    for dictionary in _font_dicts(reader):
        font = _font(dictionary)
        known = fonts.get(font.name)
        embedded = font.embedded and (known is None or known.embedded)
        fonts[font.name] = replace(font, embedded=embedded, pages=tuple(used.get(font.name, ())))
    return sorted(fonts.values(), key=lambda f: f.name.split("+")[-1])


def pdf_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font in the pages' resources -> whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for dictionary in _font_dicts(reader):
        font = _font(dictionary)
        fonts[font.name] = font.embedded and fonts.get(font.name, True)
    return fonts


def is_ours(pdf_font: str, families: set[str]) -> bool:
    """WeasyPrint names an embedded font after its @font-face family (spaces as dashes)."""
    base = pdf_font.split("+", 1)[-1]
    return any(base == f.replace(" ", "-") or base.startswith(f.replace(" ", "-") + "-") for f in families)


def _check_fonts(fonts: list[Font], families: set[str] | None) -> Check:
    check = Check("fonts", f"{_n(len(fonts), 'font')}, all embedded"
                           + (f", all from {', '.join(sorted(families))}" if families else ""))
    if not fonts:
        check.summary = "no fonts: the PDF has no text"
        if families is not None:
            check.details.append(Finding(0, "no fonts found: the text cannot be checked"))
    for font in fonts:
        if not font.embedded:
            check.details.append(Finding(0, f"font {font.name} is not embedded"))
        if families is not None and not is_ours(font.name, families):
            check.details.append(Finding(0, f"font {font.name} is not one of the families in fonts/ "
                                            f"({', '.join(sorted(families))}): a system font slipped in"))
    return check


# -- output intent, PDF/X, tags ------------------------------------------------------------


def _xmp(reader: PdfReader) -> ET.Element | None:
    stream = _dict(reader.trailer["/Root"]).get("/Metadata")
    stream = stream.get_object() if stream is not None else None
    if not isinstance(stream, StreamObject):
        return None
    try:
        return ET.fromstring(stream.get_data())
    except (ET.ParseError, ValueError, PyPdfError):
        return None


def _xmp_values(xmp: ET.Element | None, namespace: str, name: str) -> list[str]:
    """An XMP property's values, written as an element (with rdf:li items) or as an attribute."""
    tag = f"{{{namespace}}}{name}"
    values: list[str] = []
    for element in xmp.iter() if xmp is not None else ():
        if tag in element.attrib:
            values.append(element.attrib[tag].strip())
        if element.tag == tag:
            texts = [t.strip() for t in element.itertext() if t.strip()]
            values += texts or [""]
    return values


def _check_output_intent(reader: PdfReader) -> Check:
    check = Check("output intent")
    intents = _dict(reader.trailer["/Root"]).get("/OutputIntents")
    intents = [_dict(i) for i in intents.get_object()] if intents is not None else []
    pdfx = [i for i in intents if i.get("/S") == "/GTS_PDFX"]
    if not intents:
        check.details.append(Finding(0, "no output intent: the printing condition is not declared"))
    elif not pdfx or pdfx[0].get("/DestOutputProfile") is None:
        check.details.append(Finding(0, "output intent is not a PDF/X intent with an embedded profile"))
    else:
        profile = pdfx[0]["/DestOutputProfile"].get_object()
        condition = str(pdfx[0].get("/OutputConditionIdentifier", "?"))
        space = profile.get_data()[16:20].decode("latin-1").strip()
        if profile.get("/N") != 4 or space != "CMYK":
            check.details.append(Finding(0, f"output intent profile ({condition}) is {space or '?'}, "
                                            "not CMYK"))
        info = pdfx[0].get("/Info")
        described = f" ({info})" if info is not None and str(info) != condition else ""
        check.summary = f"GTS_PDFX, CMYK profile for {condition}{described}"
    return check


def _check_pdfx_version(reader: PdfReader) -> Check:
    check = Check("PDF/X version")
    if reader.is_encrypted:
        check.details.append(Finding(0, "the PDF is encrypted: PDF/X forbids encryption"))
    info = _dict(reader.trailer.get("/Info")).get("/GTS_PDFXVersion")
    found = [(str(info), "document info")] if info is not None else []
    found += [(v, "XMP metadata") for v in _xmp_values(_xmp(reader), PDFXID, "GTS_PDFXVersion")]
    if not found:
        check.details.append(Finding(0, "no PDF/X version declared (GTS_PDFXVersion in the document info "
                                        "or pdfxid:GTS_PDFXVersion in the XMP metadata)"))
    for version, where in found:
        if not version.startswith("PDF/X-"):
            check.details.append(Finding(0, f"GTS_PDFXVersion in the {where} is '{version}', "
                                            "not a PDF/X version"))
    check.summary = "; ".join(f"{version} ({where})" for version, where in found)
    return check


def _check_accessible(reader: PdfReader) -> Check:
    check = Check("tagged PDF")
    catalog = _dict(reader.trailer["/Root"])
    xmp = _xmp(reader)
    if "/StructTreeRoot" not in catalog or not _dict(catalog.get("/MarkInfo")).get("/Marked"):
        check.details.append(Finding(0, "not tagged (no structure tree)"))
    language = catalog.get("/Lang")
    if not language:
        check.details.append(Finding(0, "no document language"))
    title = (reader.metadata.title if reader.metadata else None) or next(
        iter(v for v in _xmp_values(xmp, DC, "title") if v), None)
    if not title:
        check.details.append(Finding(0, "no title in the metadata"))
    if not reader.outline:
        check.details.append(Finding(0, "no outline"))
    check.summary = f"tagged, language {language or '?'}, title «{title or '?'}»"
    parts = _xmp_values(xmp, PDFUAID, "part")
    if parts:
        check.notes.append(Finding(0, f"declares PDF/UA-{parts[0]}"))
    return check


# -- colour, images, safety zone (print) ---------------------------------------------------


def _outside(box: Box | None, trim: Box) -> bool:
    """Whether a painted area lies wholly outside the trim (printer's marks, the slug)."""
    return box is not None and (box[2] <= trim[0] + TOLERANCE or box[0] >= trim[2] - TOLERANCE
                                or box[3] <= trim[1] + TOLERANCE or box[1] >= trim[3] - TOLERANCE)


def _check_colour(reader: PdfReader, scans: list[_Scan]) -> Check:
    check = Check("colour", "no RGB colour: CMYK, gray and spot colours only")
    for scan, page in zip(scans, reader.pages, strict=True):
        if scan.error:
            check.details.append(Finding(scan.page, scan.error))
        trim = _box(page.trimbox)
        inside = sorted({what for what, box in scan.rgb if not _outside(box, trim)})
        outside = sorted({what for what, box in scan.rgb if _outside(box, trim)} - set(inside))
        if inside:
            check.details.append(Finding(scan.page, f"RGB colour ({', '.join(inside)})"))
        if outside:
            check.notes.append(Finding(scan.page, f"RGB colour outside the trim only ({', '.join(outside)}): "
                                                  "cut off, but a PDF/X validator may still flag it"))
    return check


def _check_images(scans: list[_Scan]) -> Check:
    placed = [(scan.page, image) for scan in scans for image in scan.images]
    low = [(page, image) for page, image in placed if image.dpi < MIN_DPI - 0.5]
    lowest = min((image.dpi for _page, image in placed), default=math.inf)
    check = Check("image resolution", f"{_n(len(placed), 'image')} placed, the lowest at {lowest:.0f} dpi"
                                      if placed else "no images")
    for page, image in low:
        w, h = image.size
        check.details.append(Finding(page, f"image {image.width}×{image.height} px placed at {w / MM:.1f}×"
                                           f"{h / MM:.1f} mm: {image.dpi:.0f} dpi, under {MIN_DPI}"))
    return check


def _check_safety_zone(data: bytes, reader: PdfReader) -> Check:
    check = Check("safety zone", f"no text within {SAFETY / MM:g} mm of the trim edge")
    trims = [_box(page.trimbox) for page in reader.pages]
    pdf = pdfium.PdfDocument(data)
    try:
        for number, trim in enumerate(trims, start=1):
            page = pdf[number - 1]
            textpage = page.get_textpage()
            for text, distance, edge in _runs_near_edges(textpage, trim):
                where = f"{-distance / MM:.1f} mm beyond" if distance < 0 else f"{distance / MM:.1f} mm from"
                shown = text if len(text) <= 40 else text[:39] + "…"
                check.details.append(Finding(number, f"text {where} the {edge} trim edge: «{shown}»"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return check


def _edge_distance(box: Box, trim: Box) -> tuple[float, str]:
    """How far a box keeps inside the trim (negative: past it), and from which edge."""
    left, bottom, right, top = box
    return min((left - trim[0], "left"), (bottom - trim[1], "bottom"), (trim[2] - right, "right"),
               (trim[3] - top, "top"))


def _runs_near_edges(textpage: pdfium.PdfTextPage, trim: Box) -> list[tuple[str, float, str]]:
    """Runs of words with a character closer than SAFETY to an edge of the trim (or past it):
    the text, the least distance (negative: outside the trim), that edge."""
    rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    if all(_edge_distance(rect, trim)[0] >= SAFETY - TOLERANCE for rect in rects):
        return []  # every line of text is well inside: no need to look at each character
    words: list[tuple[str, float, str]] = []  # each word: its text, least distance, that edge
    word, nearest, edge = "", math.inf, ""
    for index in range(textpage.count_chars() + 1):
        char, box = "", (0.0, 0.0, 0.0, 0.0)
        if index < textpage.count_chars():
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            generated = pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1
            char = chr(code) if 0 < code < 0x110000 and not generated else ""
            box = textpage.get_charbox(index)
        if char.isprintable() and not char.isspace() and char:
            word += char
            if box[2] > box[0] or box[3] > box[1]:
                distance, side = _edge_distance(box, trim)
                if distance < nearest:
                    nearest, edge = distance, side
        elif word:
            words.append((word, nearest, edge))
            word, nearest, edge = "", math.inf, ""
    runs: list[tuple[str, float, str]] = []
    previous_near = False
    for word, distance, side in words:
        near = distance < SAFETY - TOLERANCE
        if near and previous_near:
            text, least, where = runs[-1]
            runs[-1] = (f"{text} {word}", *min((least, where), (distance, side)))
        elif near:
            runs.append((word, distance, side))
        previous_near = near
    return runs


# -- printer's marks (print) ---------------------------------------------------------------

CROP_MARKS = 8  # two at each corner of the trim


def _reach(box: Box, area: Box) -> float:
    """How far a box reaches into an area from the area's nearest edge (0 or less: it stays out;
    a hairline without width counts once it is within)."""
    return min(min(box[hi] - area[lo], area[hi] - box[lo]) for lo, hi in ((0, 2), (1, 3)))


def _corner(box: Box, trim: Box) -> str:
    """The corner of the trim that a mark stands by."""
    middle_x, middle_y = (trim[0] + trim[2]) / 2, (trim[1] + trim[3]) / 2
    vertical = "bottom" if (box[1] + box[3]) / 2 < middle_y else "top"
    return f"{vertical} {'left' if (box[0] + box[2]) / 2 < middle_x else 'right'}"


CORNERS = ("top left", "top right", "bottom right", "bottom left")


def _corners(names: Iterable[str]) -> str:
    """'top left, bottom right' in clockwise order."""
    named = set(names)
    return ", ".join(c for c in CORNERS if c in named)


def _marks(scan: _Scan, trim: Box) -> list[int]:
    """Which of the page's paints are printer's marks: paths painted wholly outside the trim.
    Page content that bleeds starts inside the trim; what lies wholly outside is cut off, so it
    can only be there for the press (crop and registration marks, colour bars, slug notes)."""
    return [i for i, paint in enumerate(scan.paints) if paint.path and _outside(paint.box, trim)]


def _check_marks(reader: PdfReader, scans: list[_Scan], expected: str | None) -> Check:
    """Marks must stay out of the BleedBox (a mark in the bleed shows on the edge of a page cut a
    little off) and stay visible: nothing but other marks may be painted over them (text over
    them is already a safety-zone failure: it lies outside the trim)."""
    check = Check("printer's marks")
    counts: list[int] = []
    for scan, page in zip(scans, reader.pages, strict=True):
        trim, bleed, media = _box(page.trimbox), _box(page.bleedbox), _box(page.mediabox)
        marks = _marks(scan, trim)
        counts.append(len(marks))
        others = set(marks)
        reaches: dict[str, float] = {}  # corner -> how deep its marks reach into the bleed
        hidden: dict[str, set[str]] = defaultdict(set)  # corner -> what covers its marks
        for index in marks:
            mark = scan.paints[index]
            corner = _corner(mark.box, trim)
            reach = _reach(mark.box, bleed)
            if reach > TOLERANCE:
                reaches[corner] = max(reach, reaches.get(corner, 0.0))
            hidden[corner] |= {p.kind for i, p in enumerate(scan.paints[index + 1:], start=index + 1)
                               if i not in others and _reach(mark.box, p.box) > TOLERANCE}
        found = []
        if reaches:
            found.append(f"marks reach up to {max(reaches.values()) / MM:.1f} mm into the bleed "
                         f"({_corners(reaches)}): a cut a little off shows them")
        if any(hidden.values()):
            kinds = ", ".join(sorted(set().union(*hidden.values())))
            found.append(f"marks hidden under page content painted after them ({kinds}; "
                         f"{_corners(c for c, k in hidden.items() if k)})")
        if expected == "crop" and len(marks) < CROP_MARKS:
            found.append(f"{len(marks)} printer's marks, not the {CROP_MARKS} crop marks")
        if expected == "none" and (marks or not all(_close(m, b) for m, b in zip(media, bleed, strict=True))):
            found.append("printer's marks or a slug, where bare boxes (MediaBox = BleedBox) were asked for")
        check.details += [Finding(scan.page, message) for message in found]
        if any(not scan.paints[i].registration for i in marks):
            check.notes.append(Finding(scan.page, "marks not in registration colour (all four inks at "
                                                  "100 %): they will not show on every plate"))
    if not any(counts):
        check.summary = "none (a print shop that imposes marks the sheets itself)"
    elif len(set(counts)) == 1:
        check.summary = f"{_n(counts[0], 'mark')} on every page, outside the bleed, on top of the page"
    else:
        marked = sum(map(bool, counts))
        check.summary = f"marks on {marked} of {_n(len(counts), 'page')}, outside the bleed, on top"
        bare = [number for number, count in enumerate(counts, start=1) if not count]
        if bare:
            check.notes.append(Finding(0, f"no marks on {'page' if len(bare) == 1 else 'pages'} "
                                          f"{page_ranges(bare)}"))
    return check


# -- the report ----------------------------------------------------------------------------


def page_ranges(pages: Iterable[int]) -> str:
    """[1, 2, 3, 5] -> '1–3, 5'."""
    numbers = sorted(set(pages))
    parts: list[str] = []
    start = previous = None
    for n in [*numbers, None]:
        if start is not None and n == previous + 1:  # type: ignore[operator]
            previous = n
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = n
    return ", ".join(parts)


def _grouped(findings: list[Finding]) -> list[str]:
    """One line per message, naming every page it was found on."""
    pages: dict[str, list[int]] = defaultdict(list)
    for finding in findings:
        pages[finding.message].append(finding.page)
    lines = []
    for message, numbers in pages.items():
        numbers = [n for n in numbers if n]
        if not numbers:
            lines.append(message)
        else:
            lines.append(f"{'page' if len(numbers) == 1 else 'pages'} {page_ranges(numbers)}: {message}")
    return lines


def format_report(report: Report) -> str:
    """The readable report: one line per check, what is wrong under it, then the fonts."""
    width = max(len(check.name) for check in report.checks)
    lines = [f"preflight as {report.variant}: {_n(report.pages, 'page')}"]
    for check in report.checks:
        status = "ok  " if check.passed else "FAIL"
        lines.append(f"  {status}  {check.name:<{width}}  {check.summary if check.passed else ''}".rstrip())
        lines += [f"          {line}" for line in _grouped(check.details)]
        lines += [f"          note: {line}" for line in _grouped(check.notes)]
    lines.append(f"fonts ({len(report.fonts)}):")
    name_width = max((len(font.name) for font in report.fonts), default=0)
    for font in report.fonts:
        facts = [font.kind, "embedded" if font.embedded else "NOT EMBEDDED"]
        facts += ["subset"] if font.subset else []
        where = (f"{'page' if len(font.pages) == 1 else 'pages'} {page_ranges(font.pages)}" if font.pages
                 else "not used on any page")
        lines.append(f"  {font.name:<{name_width}}  {', '.join(facts)}; {where}")
    failed = [check.name for check in report.checks if not check.passed]
    lines.append(f"FAILED: {len(failed)} of {len(report.checks)} checks ({', '.join(failed)})" if failed
                 else f"passed: all {len(report.checks)} checks")
    return "\n".join(lines)


@click.command("preflight")
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--variant", type=click.Choice(VARIANTS), default="print", show_default=True,
              help="print: PDF/X, CMYK, A5 with 3 mm bleed. screen: tagged, A5 without bleed.")
@click.option("--marks", type=click.Choice(["crop", "none"]), default=None,
              help="Also require the 8 crop marks on every page (crop) or bare boxes (none). "
              "Default: any marks, as long as they stay out of the bleed and in sight.")
def cli_command(pdf: Path, variant: str, marks: str | None) -> None:
    """Check any PDF against the booklet's print or screen requirements; exit 1 if a check fails."""
    try:
        data = read_bounded(pdf, limits.PDF_FILE_BYTES)  # a regular file of bounded size, nothing else
    except Unreadable as exc:
        raise BookletError(printable(f"{pdf}: {exc}")) from exc
    try:
        report = preflight(data, variant, marks=marks)
    except BookletError as exc:
        raise BookletError(printable(f"{pdf}: {exc.message.removeprefix('booklet: ')}")) from exc
    click.echo(printable(f"{pdf}"))
    click.echo(printable(format_report(report)))
    if not report.passed:
        failed = [check.name for check in report.checks if not check.passed]
        raise BookletError(f"{pdf}: {len(failed)} of {len(report.checks)} preflight checks failed "
                           f"({', '.join(failed)})")
