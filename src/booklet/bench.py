"""`make bench`: whole-process wall times measured in one run, reported as ratios.

Each pair of commands runs alternately (A B A B ...) after a warm-up, so a ratio holds even
when the machine's speed drifts; the median of the per-pair ratios is reported. Timing is
reported, never asserted.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 5
# `booklet` as on a machine without HarfBuzz-Subset: WeasyPrint then subsets with fontTools.
WITHOUT_HARFBUZZ_SUBSET = ("import weasyprint.pdf.fonts; weasyprint.pdf.fonts.harfbuzz_subset = None; "
                           "from booklet.cli import main; main(prog_name='booklet')")


def wall(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(name: str, a: list[str], b: list[str], cwd: Path, goal: float, runs: int = RUNS) -> None:
    wall(a, cwd), wall(b, cwd)  # warm-up: caches, page cache, .pyc
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(wall(a, cwd))
        times_b.append(wall(b, cwd))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    print(f"{name} ({runs} pair{'s' if runs > 1 else ''})")
    print(f"  A: {' '.join(a[-4:])}\n  B: {' '.join(b[-4:])}")
    print(f"  A median {statistics.median(times_a):.2f} s  B median {statistics.median(times_b):.2f} s  "
          f"ratio A/B median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}; "
          f"goal <= {goal})")


EDITION = """name: "Eksempel {n}"
cover_line: "Udgivet i samarbejde med Eksempel {n}"
foreword:
  placement: precede
  paragraphs: ["Et forord fra organisation nummer {n}."]
  signatories: [{{name: "Direktør {n}", title: "Direktør"}}]
about:
  title: "Om Eksempel {n}"
  paragraphs: ["Organisation nummer {n} er et eksempel."]
"""


def editions_project(tmp: Path, root: Path, count: int) -> Path:
    """A copy of the project with ``count`` editions that differ only in their own pages."""
    project = tmp / "editions-project"
    for name in ("source", "layouts", "fonts"):
        shutil.copytree(root / name, project / name)
    shutil.rmtree(project / "source" / "editions")
    for n in range(1, count + 1):
        folder = project / "source" / "editions" / f"e{n:02d}"
        folder.mkdir(parents=True)
        (folder / "edition.yaml").write_text(EDITION.format(n=n), encoding="utf-8")
    return project


WORDS = ["altid", "gerne", "typisk", "også", "nu", "faktisk", "ofte", "mest"]


def watch_rebuild(booklet: str, tmp: Path, root: Path, runs: int, between: Callable[[], float]
                  ) -> tuple[list[float], list[float]]:
    """Seconds from saving a one-word change in one wish to `booklet watch` reporting the
    rebuilt PDF, in one warm watch process; after each, ``between`` is timed (side by side)."""
    project = tmp / "watch-project"
    for name in ("source", "layouts", "fonts"):
        shutil.copytree(root / name, project / name)
    wish = project / "source" / "wishes" / "3-sparring.yaml"
    original = wish.read_text(encoding="utf-8")
    process = subprocess.Popen([booklet, "--root", str(project), "watch"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})  # lines as they come
    times, others = [], []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("watching"):
                break
        for run in range(runs):
            word = WORDS[run]  # new text each time, so no run finds its layout cached
            start = time.perf_counter()
            changed = original.replace("Min chef står til rådighed", f"Min chef står {word} til rådighed")
            wish.write_text(changed, encoding="utf-8")
            for line in process.stdout:
                if line.startswith(("built", "build failed")):
                    times.append(time.perf_counter() - start)
                    break
            others.append(between())
    finally:
        process.terminate()
        process.wait(timeout=10)
    return times, others


def studio_proofs(booklet: str, root: Path, tmp: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from posting a changed foreword paragraph to a warm `booklet studio` to its new
    proof (PNGs of the print PDF), alternating with a warm `booklet build --edition`."""
    import json
    import socket
    import urllib.request

    from .studio import form

    slug = "eksempel-kommune"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([booklet, "studio", "--no-browser", "--port", str(port), "--edition", slug],
                               cwd=root, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stderr is not None
        line = next(line for line in process.stderr if line.startswith("booklet studio:"))
        token = line.strip().rsplit("token=", 1)[1]
        import threading

        threading.Thread(target=process.stderr.read, daemon=True).start()  # a full pipe would block it
        time.sleep(2)  # the server is listening once uvicorn has started
        text = (root / "source" / "editions" / slug / "edition.yaml").read_text(encoding="utf-8")
        values = form.to_form(form.plain(form.load_rt(text)))

        def proof(word: str) -> float:
            changed = json.loads(json.dumps(values))
            changed["foreword"]["paragraphs"] = changed["foreword"]["paragraphs"].replace(
                "ledermøde", f"ledermøde {word}")
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/e/{slug}/proof", json.dumps({"values": changed}).encode(),
                headers={"X-Studio-Token": token, "Origin": f"http://127.0.0.1:{port}",
                         "Content-Type": "application/json"}, method="POST")
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=600) as response:
                reply = json.loads(response.read())
            assert reply["status"] == "ok", reply
            return time.perf_counter() - start

        build = [booklet, "build", "--edition", slug, "--output", str(tmp / "edition.pdf")]
        proof("varm"), wall(build, root)  # warm-up: the worker's body pages, caches
        proofs, builds = [], []
        for run in range(runs):
            proofs.append(proof(WORDS[run]))  # new text each time, so no proof is cached
            builds.append(wall(build, root))
    finally:
        process.terminate()
        process.wait(timeout=30)
    return proofs, builds


SECTIONS = ("weasyprint", "subset", "web", "handout", "cold", "watch", "editions", "studio")


def main() -> None:
    """All comparisons, or those named on the command line (``python -m booklet.bench web``)."""
    wanted = set(sys.argv[1:]) or set(SECTIONS)
    unknown = wanted - set(SECTIONS)
    if unknown:
        sys.exit(f"unknown comparison(s): {', '.join(sorted(unknown))} (expected: {', '.join(SECTIONS)})")
    root = Path.cwd()
    bin_dir = Path(sys.executable).parent
    booklet, weasyprint = str(bin_dir / "booklet"), str(bin_dir / "weasyprint")
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "booklet.html"
        subprocess.run([booklet, "build", "--html", str(html), "--output", str(Path(tmp) / "a.pdf")],
                       cwd=root, check=True, stdout=subprocess.DEVNULL)
        print(f"{RUNS} alternating runs after one warm-up; wall-clock seconds of whole processes\n")
        if "weasyprint" in wanted:
            compare("booklet build vs plain weasyprint on the HTML it rendered",
                    [booklet, "build", "--output", str(Path(tmp) / "a.pdf")],
                    [weasyprint, "--pdf-variant", "pdf/x-4", str(html), str(Path(tmp) / "b.pdf")],
                    root, goal=1.3)
        if "subset" in wanted:
            from weasyprint.text.ffi import harfbuzz_subset

            from .render import INSTALL_HARFBUZZ_SUBSET

            if harfbuzz_subset:
                fonttools_booklet = [sys.executable, "-c", WITHOUT_HARFBUZZ_SUBSET]
                compare("booklet build, fonts subset by fontTools (no HarfBuzz-Subset) vs by HarfBuzz-Subset",
                        [*fonttools_booklet, "build", "--output", str(Path(tmp) / "f.pdf")],
                        [booklet, "build", "--output", str(Path(tmp) / "a.pdf")], root, goal=1.3)
            else:
                print(f"fontTools vs HarfBuzz-Subset: skipped, HarfBuzz-Subset is missing "
                      f"({INSTALL_HARFBUZZ_SUBSET})\n")
        if "web" in wanted:
            compare("booklet web (the whole site) vs booklet build (the print PDF)",
                    [booklet, "web", "--output", str(Path(tmp) / "site")],
                    [booklet, "build", "--output", str(Path(tmp) / "a.pdf")], root, goal=0.25)
        if "handout" in wanted:
            compare("booklet handout 2 vs booklet build (the whole booklet)",
                    [booklet, "handout", "2", "--output", str(Path(tmp) / "h.pdf")],
                    [booklet, "build", "--output", str(Path(tmp) / "a.pdf")], root, goal=0.5)
        warm_build = [booklet, "build", "--output", str(Path(tmp) / "a.pdf")]
        if "cold" in wanted:
            cold = ["sh", "-c", f"rm -rf dist/.cache && {booklet} build --output {Path(tmp) / 'c.pdf'}"]
            compare("booklet build, cold (no dist/.cache) vs warm", cold, warm_build, root, goal=2.0)
        if "watch" in wanted:
            watched, warms = watch_rebuild(booklet, Path(tmp), root, RUNS, lambda: wall(warm_build, root))
            ratios = [w / b for w, b in zip(watched, warms, strict=True)]
            print(f"booklet watch: one-word change in a wish to the rebuilt PDF vs a warm booklet build "
                  f"({RUNS} pairs)")
            print(f"  watch median {statistics.median(watched):.2f} s  warm build median "
                  f"{statistics.median(warms):.2f} s  ratio median {statistics.median(ratios):.2f} "
                  f"(min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 0.5)")
        if "studio" in wanted:
            proofs, builds = studio_proofs(booklet, root, Path(tmp), RUNS)
            ratios = [a / b for a, b in zip(proofs, builds, strict=True)]
            print(f"booklet studio: a changed foreword paragraph to its new proof vs a warm booklet build "
                  f"--edition ({RUNS} pairs)")
            print(f"  proof median {statistics.median(proofs):.2f} s  build median "
                  f"{statistics.median(builds):.2f} s  ratio median {statistics.median(ratios):.2f} "
                  f"(min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 0.7)")
        if "editions" in wanted:
            count = 20
            project = editions_project(Path(tmp), root, count)
            separate = ["sh", "-c", " && ".join(
                f"{booklet} --root {project} build --edition e{n:02d} --output {tmp}/s{n:02d}.pdf"
                for n in range(1, count + 1))]
            compare(f"booklet editions ({count} editions) vs {count} separate booklet build --edition",
                    [booklet, "--root", str(project), "editions"], separate, root, goal=0.35, runs=1)


if __name__ == "__main__":
    main()
