"""What the web page and the e-book take from the content: order, outline, colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booklet.errors import BookletError
from booklet.reflow import PAIRS, contrast, hold_contrast, outline, prepare, screen_schemes

from .conftest import ROOT


def test_reading_order_is_the_page_plan_without_pages():
    assert [(p.id, p.kind) for p in prepare(ROOT).parts] == [
        ("forord", "foreword"), ("introduktion", "introduction"), ("om-haeftet", "guide"),
        ("strategisk-retning", "wish"), ("ledelsesrum-og-tillid", "wish"), ("sparring", "wish"),
        ("samarbejde", "wish"), ("anerkendelse", "wish"), ("kompetencer", "wish"),
        ("om-vaeksthus", "about"), ("andre-tilbud", "offers")]
    # the introduction's three pages are one part; the guide that closes them follows it
    ids = [p.id for p in prepare(ROOT, "eksempel-kommune").parts]
    assert ids[:4] == ["forord-udgave", "forord", "introduktion", "om-haeftet"]
    assert ids[-3:] == ["om-udgave", "om-vaeksthus", "andre-tilbud"]


def test_outline_names_each_h2_by_its_label_and_its_anchor():
    markup = ('<section id="a"><h2>Forord <span>og mere</span></h2><h3 id="x">not an entry</h3></section>'
              '<section id="b"><div><h2 data-outline="1. titlen">Vi har brug for, at … titlen</h2></div></section>')
    assert [(e.href, e.label) for e in outline(markup, "text/1.xhtml")] == [
        ("text/1.xhtml#a", "Forord og mere"), ("text/1.xhtml#b", "1. titlen")]


def test_colours_move_only_as_far_as_contrast_needs():
    orange, white, ink = (236, 102, 53), (255, 255, 255), (68, 68, 67)
    held = hold_contrast({"text": ink, "background": white, "leader": orange, "chef": ink,
                          "leader-band": white, "chef-band": white, "cover": ink, "on-cover": white})
    assert held["text"] == ink and held["chef"] == ink and held["cover"] == ink  # they pass as they are
    assert held["leader"] != orange and 4.5 <= contrast(held["leader"], white) < 5.2  # darker, not black
    assert held["leader"][0] > held["leader"][1] > held["leader"][2]  # still an orange


def test_contrast_of_every_text_colour():
    """WCAG 2 contrast, computed here independently, of every text colour on every ground it
    is read on, light and dark, for the booklet and each edition."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for edition in (None, "eksempel-kommune", "region-eksempel"):
        for scheme, colours in screen_schemes(prepare(ROOT, edition)).items():
            for text, ground, _ in PAIRS:
                high, low = sorted((luminance(colours[text]), luminance(colours[ground])), reverse=True)
                ratio = (high + 0.05) / (low + 0.05)
                assert ratio >= 4.5, f"{edition} {scheme}: {text} on {ground}: {ratio:.2f}"


HOSTILE_FONT = r"a);}body{background:url(https:\2f\2f host\2f x.png)}x{src:url(a.ttf"


def hostile_edition(project: Path, outside: Path) -> Path:
    """region-eksempel with fonts named to break out of CSS, named like the project's own,
    named with a space, and licences that are links to a file outside the project."""
    folder = project / "source/editions/region-eksempel"
    fonts = folder / "fonts"
    (fonts / "Lato-Regular.ttf").rename(fonts / "Lato Regular.ttf")
    (fonts / "Lato-Italic.ttf").rename(fonts / f"{HOSTILE_FONT}")
    (fonts / "Lato-Bold.ttf").rename(fonts / "BookletSans-Regular.ttf")
    outside.write_text("SECRET outside the project\n")
    (fonts / "OFL.txt").rename(fonts / "OFL-SourceSans3.txt")
    yaml = folder / "edition.yaml"
    yaml.write_text(yaml.read_text().replace("fonts/Lato-Regular.ttf", '"fonts/Lato Regular.ttf"')
                    .replace("fonts/Lato-Italic.ttf", '"fonts/' + HOSTILE_FONT.replace("\\", "\\\\") + '"')
                    .replace("fonts/Lato-Bold.ttf", "fonts/BookletSans-Regular.ttf")
                    .replace("fonts/OFL.txt", "fonts/OFL-SourceSans3.txt"))
    return folder


def site_files(kind: str, project: Path, out: Path) -> dict[str, bytes]:
    if kind == "web":
        from booklet.web import build_web

        site = build_web(project, "region-eksempel", output=out / "site")
        return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    import zipfile

    from booklet.epub import build_epub

    with zipfile.ZipFile(build_epub(project, "region-eksempel", output=out / "book.epub")) as archive:
        return {name.removeprefix("EPUB/"): archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("kind", ["web", "epub"])
def test_hostile_and_odd_asset_names_are_mapped_and_never_replace_the_projects(web_project: Path,
                                                                              tmp_path: Path, kind: str):
    hostile_edition(web_project, tmp_path / "secret.txt")
    files = site_files(kind, web_project, tmp_path)
    css = files["css/1-fonts.css"].decode()
    assert css.count("{") == css.count("@font-face") == 12  # no new rule, no request elsewhere
    urls = re.findall(r'url\("([^"]*)"\)', css)
    assert len(urls) == css.count("@font-face") and all(re.fullmatch(r"\.\./fonts/[\w/.-]+", u) for u in urls)
    for url in urls:  # every face is there, under the name the stylesheet gives
        assert url.removeprefix("../") in files, url
    # the project's own face and licence are the project's, the edition's stand beside them
    assert files["fonts/BookletSans-Regular.woff2"] != files["fonts/edition/BookletSans-Regular.woff2"]
    assert files["fonts/OFL-SourceSans3.txt"] == (ROOT / "fonts/OFL-SourceSans3.txt").read_bytes()
    assert "fonts/edition/OFL-SourceSans3.txt" in files
    assert all(re.fullmatch(r"[\w/.-]+", name) for name in files), sorted(files)


@pytest.mark.parametrize("kind", ["web", "epub"])
@pytest.mark.parametrize("where", ["fonts", "edition"])
def test_a_licence_linked_outside_the_project_is_refused(web_project: Path, tmp_path: Path, kind: str,
                                                        where: str):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET outside the project\n")
    folder = web_project / ("fonts" if where == "fonts" else "source/editions/region-eksempel/fonts")
    licence = folder / ("OFL-SourceSans3.txt" if where == "fonts" else "OFL.txt")
    licence.unlink()
    licence.symlink_to(secret)
    with pytest.raises(BookletError) as caught:
        site_files(kind, web_project, tmp_path / "out")
    (problem,) = caught.value.problems
    assert "outside" in problem.message and licence.name in str(problem)
    assert not (tmp_path / "out").exists()


def test_a_glyph_the_fonts_lack_is_named_at_its_wish_line_by_the_screen_outputs(project: Path):
    wish = project / "source/wishes/3-sparring.yaml"
    lines = wish.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith('    - "'))
    lines[first] = lines[first].replace('- "', '- "☃ ', 1)
    wish.write_text("\n".join(lines) + "\n")
    with pytest.raises(BookletError) as caught:
        prepare(project)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"source/wishes/3-sparring.yaml:{first + 1}: the fonts have no glyph for '☃'")
