"""The studio's app in-process: every refusal proven by a request that must fail, uploads
checked as the CLI checks them, saving without loss, conflicts, downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape
from PIL import Image

from booklet import limits
from booklet.studio import draft, form

from .conftest import PORT, TOKEN

ORIGIN = f"http://127.0.0.1:{PORT}"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def values_of(root: Path, slug: str) -> dict:
    text = (root / "source" / "editions" / slug / "edition.yaml").read_text(encoding="utf-8")
    return form.to_form(form.plain(form.load_rt(text)))


# --- refusals ------------------------------------------------------------------------------------

def test_no_token_is_refused(client):
    assert client.get("/", headers={"x-studio-token": ""}).status_code == 403
    assert client.get("/", headers={"x-studio-token": "wrong"}).status_code == 403
    assert client.get("/static/studio.js", headers={"x-studio-token": ""}).status_code == 403


def test_the_opened_url_sets_a_cookie_and_drops_the_token(client):
    reply = client.get(f"/?token={TOKEN}", headers={"x-studio-token": ""}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/"
    assert "httponly" in reply.headers["set-cookie"].lower() and "samesite=strict" in reply.headers["set-cookie"].lower()
    client.cookies.clear()


def test_a_cookie_alone_may_read_but_not_change(client):
    headers = {"x-studio-token": "", "cookie": f"booklet-studio={TOKEN}"}
    assert client.get("/", headers=headers).status_code == 200
    assert client.post("/new", json={"slug": "x", "name": "X"}, headers=headers).status_code == 403


def test_a_wrong_host_is_refused(client):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host."""
    reply = client.get("/", headers={"host": "evil.example:8765"})
    assert reply.status_code == 403 and "Host" in reply.text
    assert client.get("/", headers={"host": "127.0.0.1:9999"}).status_code == 403


def test_a_foreign_origin_is_refused(client):
    reply = client.post("/new", json={"slug": "x", "name": "X"}, headers={"origin": "http://evil.example"})
    assert reply.status_code == 403 and "Origin" in reply.text
    assert client.get("/", headers={"origin": "null"}).status_code == 403


def test_an_oversized_upload_is_refused_in_bytes(client):
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (limits.LOGO_FILE_BYTES + 1)
    assert client.post("/e/eksempel-kommune/logo", content=big).status_code == 413
    assert client.post("/e/eksempel-kommune/proof", content=b" " * (limits.LOGO_FILE_BYTES + 10)).status_code == 413


def test_an_oversized_upload_is_refused_in_pixels(client):
    reply = client.post("/e/eksempel-kommune/logo", content=png(5000, 4000))
    assert reply.status_code == 422
    assert "20,000,000 pixels" in reply.json()["errors"]["logo"][0]


@pytest.mark.parametrize("path", ["/e/..%2F..%2Fetc", "/e/../../etc/passwd", "/e/%2e%2e",
                                  "/static/..%2F..%2Fserver.py", "/static/../../../../etc/passwd",
                                  "/image/..%2F..%2Fetc/full", "/e/eksempel-kommune/download/..%2Fx",
                                  "/e/EKSEMPEL/download/print"])
def test_climbing_names_are_refused(client, path: str):
    assert client.get(path).status_code in (404, 400)


def test_climbing_names_are_refused_in_posts(client):
    for path in ("/e/%2e%2e/proof", "/e/..%2F..%2Fetc/save", "/e/a%2Fb/logo"):
        assert client.post(path, json={}).status_code == 404, path


def test_a_climbing_slug_is_refused_when_creating(client):
    for slug in ("../evil", "a/b", "..", "Æ", "x" * 61):
        reply = client.post("/new", json={"slug": slug, "name": "Evil"})
        assert reply.status_code == 422, slug


# --- uploads -----------------------------------------------------------------------------------

def test_a_logo_is_checked_as_the_cli_checks_it(client):
    small = client.post("/e/eksempel-kommune/logo", content=png(100, 50))
    assert small.status_code == 422
    assert "print needs 300 dpi (354 px)" in small.json()["errors"]["logo"][0]
    outside = client.post("/e/eksempel-kommune/logo",
                          content=b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">'
                                  b'<image href="file:///etc/passwd"/></svg>')
    assert "outside resource" in outside.json()["errors"]["logo"][0]
    assert client.post("/e/eksempel-kommune/logo", content=b"GIF89a...").status_code == 422
    good = client.post("/e/eksempel-kommune/logo", content=png(400, 200))
    assert good.status_code == 200 and draft.UPLOADED.fullmatch(good.json()["name"])


# --- saving --------------------------------------------------------------------------------------

def new_edition(client, slug: str, name: str = "Prøve Kommune") -> None:
    reply = client.post("/new", json={"slug": slug, "name": name})
    assert reply.status_code == 200, reply.text


def test_nothing_is_saved_while_invalid(client, studio_root: Path):
    new_edition(client, "ugyldig")
    reply = client.post("/e/ugyldig/save", json={"values": {"name": "", "cover_line": "x\u0007"}, "version": ""})
    assert reply.status_code == 422
    assert set(reply.json()["errors"]) == {"name", "cover_line"}
    assert not (studio_root / "source" / "editions" / "ugyldig").exists()


def test_save_keeps_comments_and_detects_a_change_on_disk(client, studio_root: Path):
    new_edition(client, "gemt")
    first = client.post("/e/gemt/save", json={"values": {"name": "Gemt Kommune"}, "version": ""})
    assert first.status_code == 200, first.text
    path = studio_root / "source" / "editions" / "gemt" / "edition.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# The edition «Prøve Kommune».") and 'name: "Gemt Kommune"' in text
    version = first.json()["version"]
    # the same version from two tabs: the first save wins, the second is a conflict
    values = {"name": "Gemt Kommune", "cover_line": "Udgivet i samarbejde med Gemt Kommune"}
    assert client.post("/e/gemt/save", json={"values": values, "version": version}).status_code == 200
    second = client.post("/e/gemt/save", json={"values": {"name": "Anden fane"}, "version": version})
    assert second.status_code == 409 and second.json()["status"] == "conflict"
    assert "Anden fane" not in path.read_text(encoding="utf-8")
    # changed by hand on disk: refused, and a reload offers the file as it is now
    path.write_text(path.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    current = client.post("/e/gemt/reload", json={}).json()
    stale = client.post("/e/gemt/save", json={"values": values, "version": version})
    assert stale.status_code == 409 and "# edited by hand" in path.read_text(encoding="utf-8")
    assert client.post("/e/gemt/save", json={"values": current["values"], "version": current["version"]}).status_code == 200
    assert "# edited by hand" in path.read_text(encoding="utf-8")


def test_a_save_killed_midway_leaves_the_previous_edition(client, studio_root: Path, monkeypatch):
    new_edition(client, "afbrudt")
    saved = client.post("/e/afbrudt/save", json={"values": {"name": "Afbrudt"}, "version": ""}).json()
    folder = studio_root / "source" / "editions" / "afbrudt"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    logo = client.post("/e/afbrudt/logo", content=png(400, 200)).json()["name"]
    real = draft.write_atomic

    def killed(data: bytes, target: Path) -> None:
        if target.name == "edition.yaml":
            raise KeyboardInterrupt  # the process stops here, before edition.yaml is renamed
        real(data, target)

    monkeypatch.setattr(draft, "write_atomic", killed)
    with pytest.raises(KeyboardInterrupt):
        draft.save(client.studio.project, "afbrudt", "name: \"Ny\"\nlogo: " + logo + "\n", saved["version"], logo)
    assert (folder / "edition.yaml").read_bytes() == before["edition.yaml"]
    assert not list(folder.glob(".edition.yaml*"))  # no half-written file left in the edition
    monkeypatch.undo()


def test_the_edition_folder_downloads_as_a_zip(client):
    reply = client.get("/e/eksempel-kommune/download/folder")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(reply.content)).namelist()
    assert names == ["eksempel-kommune/edition.yaml", "eksempel-kommune/logo.svg"]


def test_the_web_site_and_an_a4_handout_download(client):
    site = client.get("/e/eksempel-kommune/download/web")
    assert site.status_code == 200, site.text
    names = zipfile.ZipFile(io.BytesIO(site.content)).namelist()
    assert "web-eksempel-kommune/index.html" in names or "index.html" in names
    sheet = client.get("/e/eksempel-kommune/download/a4?wish=2")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(sheet.content))
    assert len(reader.pages) == 1 and float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    assert client.get("/e/eksempel-kommune/download/a4?wish=../1").status_code == 400


def test_the_studio_command_listens_on_loopback_by_default(monkeypatch):
    from click.testing import CliRunner

    from booklet.cli import main
    from booklet.studio import server

    calls = []
    monkeypatch.setattr(server, "serve", lambda *args: calls.append(args))
    result = CliRunner().invoke(main, ["studio", "--no-browser", "--edition", "eksempel-kommune"])
    assert result.exit_code == 0, result.output
    assert calls[0][1:5] == ("127.0.0.1", 8765, "eksempel-kommune", False)


def test_an_unsaved_edition_has_no_downloads(client):
    new_edition(client, "ikke-gemt")
    assert client.get("/e/ikke-gemt/download/print").status_code == 409


def test_the_page_is_the_form_from_the_schema(client):
    page = client.get("/e/region-eksempel").text
    assert '<html lang="da">' in page
    for control in form.walk_controls(form.controls()):
        assert str(escape(control.help)) in page, control.path
    assert 'value="Region Eksempel"' in page and "fonts/Lato-Regular.ttf" in page


def test_colours_are_shown_as_the_output_intent_converts_them_with_a_contrast_warning(client):
    studio = client.studio
    shown = studio.colours({"colours": {"cover": [0, 0, 0, 0], "paper": [0, 0, 0, 0]}})
    assert shown["cover"]["screen"] == "#ffffff"
    assert any("Kontrast 1.0:1" in w for w in shown["cover"]["warnings"])
    dark = studio.colours({"colours": {"cover": [95, 45, 30, 60]}})
    assert dark["cover"]["warnings"] == [] and dark["cover"]["screen"] != "#ffffff"


def test_proof_images_are_bounded_in_bytes_keeping_the_proof_shown():
    from booklet.studio.server import Images

    images = Images(limit=1000)
    images.add({f"{n:020x}": (b"t" * 100, b"f" * 200) for n in range(3)}, [])
    assert images.size == 900
    images.add({"a" * 20: (b"t" * 100, b"f" * 200)}, ["a" * 20, f"{0:020x}"])
    assert images.size <= 1000 and images.get("a" * 20, True) == b"f" * 200
    assert images.get(f"{0:020x}", False) == b"t" * 100  # shown: kept
    assert images.get(f"{1:020x}", False) is None  # the least recently used: dropped
