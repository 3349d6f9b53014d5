"""The form from the schema, and edition.yaml back from the form (round trip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.errors import Problems
from booklet.fields import Record
from booklet.schema import Edition
from booklet.studio import form

from ..conftest import ROOT


def records(record: type[Record]) -> list[type[Record]]:
    found = [record]
    for item in record.fields.values():
        inner = getattr(item, "record", None) or getattr(getattr(item, "item", None), "record", None)
        if inner is not None:
            found += records(inner)
    return found


def test_every_edition_field_has_a_control_with_its_docstring_and_a_danish_label():
    controls = {c.path: c for c in form.walk_controls(form.controls())}
    for record in records(Edition):
        for name, item in record.fields.items():
            matching = [c for c in controls.values() if c.path.split(".")[-1] == name and c.help == item.doc]
            assert matching, f"{record.__name__}.{name} has no control"
            assert item.label and item.label != name, f"{record.__name__}.{name} has no Danish label"
    assert controls["foreword.placement"].kind == "choice"
    assert controls["foreword.placement"].choices == ("replace", "precede")
    assert controls["foreword.signatories"].kind == "repeat"
    assert controls["foreword.signatories.*.name"].kind == "text"
    assert controls["colours"].kind == "cmyk" and controls["logo"].kind == "image"
    assert controls["type_family.regular"].kind == "file" and controls["wishes"].kind == "wishes"


@pytest.mark.parametrize("slug", ["eksempel-kommune", "region-eksempel"])
def test_an_unchanged_form_gives_the_file_back_byte_for_byte(slug: str):
    text = (ROOT / "source" / "editions" / slug / "edition.yaml").read_text(encoding="utf-8")
    data = form.plain(form.load_rt(text))
    offered = {f"type_family.{k}": {v: v} for k, v in (data.get("type_family") or {}).items()}
    offered["logo"] = {"logo.svg": "logo.svg"}
    assert form.merged_text(text, form.from_form(form.to_form(data), offered)) == text


def test_a_changed_form_keeps_comments_and_key_order():
    text = (ROOT / "source" / "editions" / "eksempel-kommune" / "edition.yaml").read_text(encoding="utf-8")
    values = form.to_form(form.plain(form.load_rt(text)))
    values["foreword"]["paragraphs"] = "Første afsnit.\n\nAndet   afsnit\nover to linjer."
    values["colours"]["leader"] = ["0", "50", "100", "0"]
    values.pop("about")
    out = form.merged_text(text, form.from_form(values, {"logo": {"logo.svg": "logo.svg"}}))
    assert "# An example edition for a fictional municipality" in out
    assert "placement: precede          # or: replace (the publisher's foreword)" in out
    assert "colours:                      # CMYK percent, replacing layouts/palette.yaml" in out
    assert '    - "Andet afsnit over to linjer."' in out
    assert "  leader: [0, 50, 100, 0]" in out and "about:" not in out
    keys = [line.split(":")[0] for line in out.splitlines() if line and line[0].isalpha()]
    assert keys == ["name", "logo", "cover_line", "colours", "foreword"]


def test_the_browser_names_no_file_and_no_unknown_key():
    data = form.from_form({"logo": "../../../etc/passwd", "name": "X", "evil": 1,
                           "type_family": {"name": "F", "regular": "/etc/hosts"}},
                          {"logo": {"logo-0123456789ab.png": "logo-0123456789ab.png"}})
    assert data["logo"] == "" and data["type_family"]["regular"] == "" and "evil" not in data


def test_problems_land_at_their_fields(tmp_path: Path):
    """The problems `booklet check` finds in a draft, each at the field that holds it."""
    from booklet.editions import load_edition
    from booklet.load import Project
    from booklet.validate import load_content

    from ..conftest import copy_project

    root = copy_project(tmp_path / "p")
    values = {"name": "", "colours": {"cover": ["120", "0", "0", "0"]},
              "foreword": {"placement": "before", "paragraphs": "Et afsnit.",
                           "signatories": [{"name": "A", "title": ""}]},
              "about": {"title": "Om", "paragraphs": "Tekst.", "website": "http://x"}}
    text = form.merged_text("", form.from_form(values, {}))
    folder = root / "source" / "editions" / "prove"
    folder.mkdir()
    (folder / "edition.yaml").write_text(text, encoding="utf-8")
    project = Project.at(root)
    problems = Problems(project.root)
    load_edition(project, "prove", load_content(project, problems), problems)
    found = [(p.file, p.line, p.message) for p in problems.items]
    fields, general = form.place(found, text, "source/editions/prove/edition.yaml")
    assert set(fields) == {"name", "colours.cover", "foreword.placement", "foreword.signatories.0.title",
                           "about.website"}, (fields, general)
    assert general == []
