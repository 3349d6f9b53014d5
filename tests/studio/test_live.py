"""The studio served on loopback: a load test, and a person's whole session in real Chromium
(Playwright): create an edition, upload a logo, see the proof change, provoke an error and
see it at its field, save, download the print PDF and pass it through `booklet preflight`."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from booklet.cli import main
from booklet.studio import form
from booklet.studio.server import IMAGE_BYTES, Studio, url

from ..checkers import INSTALL_BROWSER, WCAG, chromium
from ..conftest import missing_tool
from .conftest import TOKEN


def post(studio: Studio, path: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{studio.port}{path}", json.dumps(data).encode(), method="POST",
        headers={"X-Studio-Token": TOKEN, "Content-Type": "application/json",
                 "Origin": f"http://127.0.0.1:{studio.port}"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.status, json.loads(response.read())


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_twenty_concurrent_proofs_lose_nothing_and_memory_stays_bounded(live: Studio, studio_root: Path):
    """20 proof requests at once for one edition: each is answered, the newest one builds, the
    older ones still waiting are superseded, and the worker's memory does not grow with them."""
    text = (studio_root / "source" / "editions" / "eksempel-kommune" / "edition.yaml").read_text()
    values = form.to_form(form.plain(form.load_rt(text)))
    status, first = post(live, "/e/eksempel-kommune/proof", {"values": values})
    assert status == 200 and first["status"] == "ok", first
    worker = next(iter(live.pool._processes))
    before = rss_kb(worker)
    replies: list[dict] = []

    def one(n: int) -> None:
        mine = json.loads(json.dumps(values))
        mine["foreword"]["paragraphs"] += f"\n\nEt afsnit mere, nummer {n}."
        replies.append(post(live, "/e/eksempel-kommune/proof", {"values": mine})[1])

    threads = [threading.Thread(target=one, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert len(replies) == 20
    assert {r["status"] for r in replies} <= {"ok", "superseded"}
    newest = max(replies, key=lambda r: r["generation"])
    assert newest["status"] == "ok" and not newest["superseded"]
    built = [r for r in replies if r["status"] == "ok"]
    assert 1 <= len(built) < 20  # the waiting ones were superseded, not built one by one
    assert live.editions["eksempel-kommune"].pages == newest["pages"]
    growth_mb = (rss_kb(worker) - before) / 1024
    assert growth_mb < 150, f"the worker grew by {growth_mb:.0f} MB"
    assert live.images.size <= IMAGE_BYTES


@pytest.fixture(scope="module")
def page(live: Studio, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with chromium(tmp_path_factory.mktemp("studio-chromium"), accept_downloads=True,
                  viewport={"width": 1280, "height": 900}) as context:
        outside: list[str] = []
        context.on("request", lambda r: None if r.url.startswith(
            (f"http://127.0.0.1:{live.port}/", "blob:", "data:")) else outside.append(r.url))
        yield context.new_page()
        assert outside == [], f"requests that left the studio: {outside}"


def proof_after(page, before: str, timeout: float = 600_000) -> str:
    """Wait for a proof other than ``before``; returns its pages."""
    page.wait_for_function("b => document.body.dataset.proof && document.body.dataset.proof !== b",
                           arg=before, timeout=timeout)
    return page.evaluate("document.body.dataset.proof")


def test_a_person_makes_an_edition_in_the_browser(page, live: Studio, studio_root: Path, tmp_path: Path):
    page.goto(url(live, "127.0.0.1"))
    page.fill("#new-name", "Testby Kommune")
    assert page.input_value("#new-slug") == "testby-kommune"
    page.click("button[type=submit]")
    page.wait_for_url("**/e/testby-kommune")
    first = proof_after(page, "")
    assert len(first.split(",")) >= 16

    # a logo, checked as the CLI checks it: too small is refused at its field, a good one is taken
    small, good = tmp_path / "small.png", tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (10, 90, 115)).save(small)
    Image.new("RGB", (600, 300), (10, 90, 115)).save(good)
    page.set_input_files("#f-logo", str(small))
    page.wait_for_selector("#f-logo-error:not([hidden])")
    assert "print needs 300 dpi" in page.inner_text("#f-logo-error")
    page.set_input_files("#f-logo", str(good))
    with_logo = proof_after(page, first)
    assert with_logo.split(",")[0] != first.split(",")[0]  # the cover changed

    # their own foreword and three wishes, in their order
    page.check("#f-foreword .enable")
    page.fill("#f-foreword-paragraphs", "Velkommen til hæftet.\n\nBrug det på jeres næste ledermøde.")
    page.fill("[id$='-0-name']", "Anne Testby")
    page.fill("[id$='-0-title']", "Kommunaldirektør")
    page.check("#f-wishes .enable")
    boxes = page.locator("#f-wishes .wish-list input[type=checkbox]")
    for index in (1, 3, 5):
        boxes.nth(index).uncheck()
    for _ in range(2):  # the fifth wish before the third: 1, 5, 3
        page.locator("#f-wishes .wish-list li[data-key='5'] .up").click()
    page.fill("#f-colours .colour[data-key=cover] input >> nth=0", "85")
    page.fill("#f-colours .colour[data-key=cover] input >> nth=1", "20")
    page.fill("#f-colours .colour[data-key=cover] input >> nth=2", "80")
    page.fill("#f-colours .colour[data-key=cover] input >> nth=3", "35")
    own = proof_after(page, with_logo)
    assert len(own.split(",")) != len(with_logo.split(","))  # fewer wishes, fewer pages

    # an error at its field; the last good proof stays
    page.fill("#f-name", "")
    page.wait_for_selector("#f-name-error:not([hidden])")
    assert "must not be empty" in page.inner_text("#f-name-error")
    assert page.get_attribute("#f-name", "aria-invalid") == "true"
    assert "fejl" in page.inner_text("#summary")
    assert page.evaluate("document.body.dataset.proof") == own
    page.fill("#f-name", "Testby Kommune")
    page.wait_for_selector("#f-name-error", state="hidden")

    # axe finds nothing on the studio as a person sees it
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing_tool("axe-core (axe-playwright-python)", INSTALL_BROWSER)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
        assert violations == [], f"at {width} px: {violations}"
    page.set_viewport_size({"width": 1280, "height": 900})

    # save, then download the print PDF and pass it through preflight
    page.click("#save")
    page.wait_for_function("document.getElementById('save-status').textContent.startsWith('Gemt')",
                           timeout=600_000)
    saved = (studio_root / "source" / "editions" / "testby-kommune" / "edition.yaml").read_text()
    assert 'name: "Testby Kommune"' in saved and 'logo: "logo-' in saved and "Anne Testby" in saved
    assert "wishes: [1, 5, 3]" in saved and "cover: [85, 20, 80, 35]" in saved
    with page.expect_download(timeout=600_000) as download:
        page.click(".download[data-kind=print]")
    pdf = tmp_path / "testby.pdf"
    download.value.save_as(pdf)
    result = CliRunner().invoke(main, ["preflight", str(pdf)])
    assert result.exit_code == 0, result.output


def test_keyboard_alone_reaches_every_control(page, live: Studio):
    page.goto(url(live, "127.0.0.1", "eksempel-kommune"))
    page.wait_for_selector("#f-name")
    wanted = {"f-name", "f-logo", "f-cover-line", "f-foreword-paragraphs", "f-about-website", "save", "marks",
              "wish"}
    reached = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
        if wanted <= reached:
            break
    assert wanted <= reached, wanted - reached
