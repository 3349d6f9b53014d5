"""An edition being edited: its draft folder in dist/studio/SLUG/ (what proofs and checks
read), its uploads, and saving it to source/editions/SLUG/ without loss.

Names from the browser never reach the file system: an edition is named by a slug checked
against the schema's pattern, an upload is named by the studio (``logo-<hash>.<type>``,
the type read from its bytes), and a file the form offers is chosen by a key the studio made.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..editions import check_logo, check_slug, edition_folder, template_text
from ..errors import BookletError, Problems
from ..fields import Asset
from ..files import write_atomic
from ..fonts import declared_families
from ..load import Project, Unreadable, read_bounded
from ..schema import Edition
from . import form

STUDIO_DIR = "studio"  # below dist/: drafts and scratch folders, never an input
UPLOAD_NAME = "logo-{digest}{suffix}"
UPLOADED = re.compile(r"logo-[0-9a-f]{12}\.(svg|png|jpg)")
FOLDER_BYTES = 64 * limits.MB  # an edition folder copied into its draft, at most


class Conflict(Exception):
    """edition.yaml changed on disk since the studio opened it."""


def draft_folder(project: Project, slug: str) -> Path:
    """dist/studio/SLUG/: two levels below the project, as source/editions/SLUG/ is, so a
    type family's ``fonts/…`` names the project's fonts/ from either."""
    check_slug(slug)
    return project.dist / STUDIO_DIR / slug


def scratch_folder(project: Project) -> Path:
    return project.dist / STUDIO_DIR / ".downloads"


def version_of(path: Path) -> str:
    """What the studio compares to see a file changed on disk: its bytes' hash ('' if none)."""
    try:
        return hashlib.sha256(read_bounded(path, limits.YAML_FILE_BYTES)).hexdigest()[:16]
    except Unreadable:
        return ""


@dataclass
class Opened:
    """An edition as the studio opened it: its text, its version, whether it is saved."""

    slug: str
    text: str
    version: str
    saved: bool


def open_draft(project: Project, slug: str, name: str = "") -> Opened:
    """The saved edition, or a new one from the template; its files copied into a fresh draft
    folder (regular files only, links not followed)."""
    saved = edition_folder(project, slug)
    draft = draft_folder(project, slug)
    shutil.rmtree(draft, ignore_errors=True)
    draft.mkdir(parents=True)
    path = saved / "edition.yaml"
    if not path.is_file():
        if not name.strip():
            raise BookletError(f"edition '{slug}' not found")
        text = template_text(project, name)
        write_atomic(text.encode(), draft / "edition.yaml")
        return Opened(slug, text, "", False)
    if not saved.resolve().is_relative_to(project.root):
        raise BookletError(f"edition '{slug}' is a link outside the project")
    total = 0
    for file in sorted(saved.rglob("*")):
        if file.is_symlink() or not file.is_file():
            continue
        total += file.stat().st_size
        if total > FOLDER_BYTES:
            raise BookletError(f"edition '{slug}' holds more than {FOLDER_BYTES // limits.MB} MB")
        target = draft / file.relative_to(saved)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    data = read_bounded(path, limits.YAML_FILE_BYTES)
    return Opened(slug, data.decode("utf-8", "replace"), version_of(path), True)


def sniff(data: bytes) -> str:
    """An upload's type from its first bytes, never from the name it came with."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return ".svg"
    return ""


def store_logo(project: Project, slug: str, data: bytes) -> tuple[str, list[str]]:
    """An uploaded logo, checked as `booklet check` checks a logo (bytes, pixels, 300 dpi at its
    printed width, an SVG's references and colours), kept in the draft folder under a name the
    studio gives it. Returns that name, or '' and what is wrong."""
    suffix = sniff(data)
    if not suffix:
        return "", ["Filen er ikke et SVG-, PNG- eller JPEG-billede."]
    if len(data) > limits.LOGO_FILE_BYTES:
        return "", [f"Filen er for stor: højst {limits.LOGO_FILE_BYTES // limits.MB} MB."]
    folder = draft_folder(project, slug)
    name = UPLOAD_NAME.format(digest=hashlib.sha256(data).hexdigest()[:12], suffix=suffix)
    path = folder / name
    write_atomic(data, path)
    problems = Problems(project.root)
    check_logo(folder / "edition.yaml", Asset(path, 0), problems, declared_families(project.fonts_css))
    if problems:
        path.unlink(missing_ok=True)
        return "", [p.message for p in problems.items]
    return name, []


def offered(project: Project, slug: str) -> dict[str, form.Offered]:
    """For each file control of the form, the files it may name: key -> the path written.
    The keys are the paths themselves, but only these ever reach edition.yaml."""
    folder = draft_folder(project, slug)
    own = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                 and p.name != "edition.yaml")
    choices: dict[str, form.Offered] = {}
    for control in form.walk_controls(form.controls()):
        if control.kind not in ("image", "file"):
            continue
        item = field_at(control.path)
        names = [p.relative_to(folder).as_posix() for p in own if p.suffix.lower() in item.suffixes]
        if item.shared:
            names += [f"{item.shared}/{p.name}" for p in sorted((project.root / item.shared).iterdir())
                      if p.is_file() and p.suffix.lower() in item.suffixes]
        choices[control.path] = {name: name for name in dict.fromkeys(names)}
    return choices


def field_at(path: str):  # noqa: ANN201 - the schema's field
    record, item = Edition, None
    for part in path.split("."):
        item = record.fields[part]
        record = getattr(item, "record", None)
    return item


def save(project: Project, slug: str, text: str, base: str, logo: str | None) -> str:
    """Write the edition to source/editions/SLUG/ and return its new version. Refused
    (Conflict) when edition.yaml is not the version the studio opened. A new logo is written
    first under its own name, then edition.yaml is renamed over the old one: a save killed
    at any point leaves either the previous edition whole or the new one whole."""
    folder = edition_folder(project, slug)
    path = folder / "edition.yaml"
    if version_of(path) != base:
        raise Conflict(slug)
    folder.mkdir(parents=True, exist_ok=True)
    if logo:
        source, target = draft_folder(project, slug) / logo, folder / logo
        data = read_bounded(source, limits.LOGO_FILE_BYTES, source.parent)
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(data, target)
    write_atomic(text.encode(), path)
    for old in folder.iterdir():  # the studio's earlier uploads, no longer named
        if old.name != logo and UPLOADED.fullmatch(old.name) and old.is_file():
            old.unlink()
    return version_of(path)


def zip_folder(folder: Path, prefix: str = "") -> bytes:
    """Every regular file below ``folder`` (links not followed), in a fixed order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                info = zipfile.ZipInfo(prefix + path.relative_to(folder).as_posix(), (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return out.getvalue()


def edition_zip(project: Project, slug: str) -> bytes:
    folder = edition_folder(project, slug)
    if not (folder / "edition.yaml").is_file():
        raise BookletError(f"edition '{slug}' is not saved yet")
    return zip_folder(folder, f"{slug}/")
