"""The studio as a local web app: Starlette for the routes, uvicorn to serve them.

Safe as a local server: it listens on 127.0.0.1 unless told otherwise; every request must
present the random token of the URL it opened (as a cookie once the page has loaded, and as
a header on every request that changes something); Host and Origin must be the studio's own
(against DNS rebinding and cross-site posts); request bodies are bounded in bytes, uploads
also in pixels. Builds run in one worker process, never in a handler; for each edition one
build runs at a time and a newer proof request supersedes the ones still waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import limits
from ..colour import cmyk_to_srgb
from ..compose import DEFAULT_ICC, load_palette
from ..editions import check_slug, edition_folder, edition_slugs
from ..errors import BookletError, Problems
from ..load import Project
from ..preview import spreads
from ..reflow import MIN_CONTRAST, contrast
from ..schema import PALETTE_NAMES
from ..validate import load_content
from . import draft, form, proof

HERE = Path(__file__).parent
COOKIE = "booklet-studio"
HEADER = "x-studio-token"
BODY_BYTES = limits.YAML_FILE_BYTES  # a form's values: no edition.yaml may be larger
IMAGE_BYTES = 64 * limits.MB  # proof images kept in memory, the least recently shown dropped
HASH = re.compile(r"[0-9a-f]{20}")
KINDS = ("print", "screen", "epub", "web", "a5", "a4", "folder")
# The pairs of the print palette whose contrast the reader relies on: text on each ground it is
# printed on (as reflow.PAIRS holds the screen's colours to them).
READ_PAIRS = (("ink", "paper"), ("ink", "leader-tint"), ("ink", "chef-tint"), ("leader", "paper"),
              ("chef", "paper"), ("chef", "chef-tint"), ("paper", "cover"))


class Refused(Exception):
    """A request the studio will not serve; ``status`` and a message say why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class EditionState:
    """An edition open in the studio: the edition.yaml its form is merged into, the version
    on disk it was opened at, and its last good proof."""

    opened: draft.Opened
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    generation: int = 0
    pages: list[str] = field(default_factory=list)  # the last good proof's pages


class Images:
    """Proof PNGs by page hash, bounded in bytes; the least recently used go first."""

    def __init__(self, limit: int = IMAGE_BYTES):
        self.limit = limit
        self.items: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
        self.size = 0

    def add(self, images: dict[str, tuple[bytes, bytes]], keep: list[str]) -> None:
        for key, pair in images.items():
            if key not in self.items:
                self.items[key] = pair
                self.size += len(pair[0]) + len(pair[1])
        for key in keep:  # the proof being shown is the last to go
            if key in self.items:
                self.items.move_to_end(key)
        while self.size > self.limit and len(self.items) > len(keep):
            _, (thumb, full) = self.items.popitem(last=False)
            self.size -= len(thumb) + len(full)

    def get(self, key: str, full: bool) -> bytes | None:
        pair = self.items.get(key)
        return None if pair is None else pair[1 if full else 0]


class Studio:
    """The app's state: the project, the token, the worker pool, the open editions."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 8765,
                 token: str | None = None, workers: int = 1):
        self.project = Project.at(root)
        self.token = token or secrets.token_urlsafe(24)
        self.port = port
        names = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
        self.hosts = {f"{name}:{port}" for name in names}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.images = Images()
        self.editions: dict[str, EditionState] = {}
        self.icc = (self.project.root / DEFAULT_ICC).resolve()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                      undefined=jinja2.StrictUndefined)

    # --- the worker --------------------------------------------------------------------------

    def start(self) -> None:
        if self.pool is None:
            # spawn, not fork: Pango and fontconfig hold state that must not be copied
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def run(self, function, *args) -> Any:  # noqa: ANN001
        self.start()
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, function, *args)
        except BrokenProcessPool as exc:  # the worker died (killed, out of memory): start afresh
            self.pool = None
            raise Refused(503, "Byggeriet stoppede uventet; prøv igen.") from exc

    # --- editions ----------------------------------------------------------------------------

    def state(self, slug: str, reopen: bool = False) -> EditionState:
        """The open edition (opened from disk on first use, or when asked to reload)."""
        try:
            check_slug(slug)
        except BookletError as exc:
            raise Refused(404, "Ukendt udgave") from exc
        state = self.editions.get(slug)
        if state is None or reopen:
            if state is not None and not state.opened.saved and reopen:
                return state
            if not (edition_folder(self.project, slug) / "edition.yaml").is_file():
                if state is None:
                    raise Refused(404, "Ukendt udgave")
                return state
            opened = draft.open_draft(self.project, slug)
            if state is None:
                state = self.editions[slug] = EditionState(opened)
            else:
                state.opened = opened
        return state

    def create(self, slug: str, name: str) -> EditionState:
        try:
            check_slug(slug)
        except BookletError as exc:
            raise Refused(422, "Kort navn: små bogstaver, tal og bindestreger (fx aarhus-kommune), "
                          f"højst {limits.SLUG_CHARS} tegn.") from exc
        if not name.strip():
            raise Refused(422, "Skriv organisationens navn.")
        if slug in self.editions or (edition_folder(self.project, slug) / "edition.yaml").is_file():
            raise Refused(409, f"Udgaven «{slug}» findes allerede.")
        state = self.editions[slug] = EditionState(draft.open_draft(self.project, slug, name[:200]))
        return state

    def text_for(self, slug: str, state: EditionState, values: Any) -> tuple[str, dict]:
        data = form.from_form(values, draft.offered(self.project, slug))
        return form.merged_text(state.opened.text, data), data

    def placed(self, slug: str, problems: list[tuple[str, int, str]], text: str) -> dict:
        folder = draft.draft_folder(self.project, slug)
        shown_as = f"source/editions/{slug}"
        file = (folder / "edition.yaml").relative_to(self.project.root).as_posix()
        fields, general = form.place(problems, text, file)
        general = [g.replace(folder.relative_to(self.project.root).as_posix(), shown_as) for g in general]
        return {"errors": fields, "general": general}

    def colours(self, data: dict) -> dict[str, dict[str, Any]]:
        """Each palette colour's screen colour, as the output intent converts its CMYK (or as the
        edition gives it), and a warning where text on it falls under 4.5:1."""
        palette = load_palette(self.project)
        own = data.get("colours") or {}
        screen = data.get("screen_colours") or {}
        shown: dict[str, tuple[int, int, int]] = {}
        for name in PALETTE_NAMES:
            value = own.get(name, palette.get(name))
            given = screen.get(name, "")
            if re.fullmatch(r"#[0-9a-fA-F]{6}", given):
                shown[name] = tuple(int(given[i:i + 2], 16) for i in (1, 3, 5))
            elif isinstance(value, list) and len(value) == 4 and all(
                    isinstance(v, int | float) and 0 <= v <= 100 for v in value):
                shown[name] = cmyk_to_srgb(value, self.icc)
        out: dict[str, dict[str, Any]] = {n: {"screen": "#{:02x}{:02x}{:02x}".format(*rgb), "warnings": []}
                                          for n, rgb in shown.items()}
        for text, ground in READ_PAIRS:
            if text in shown and ground in shown:
                ratio = contrast(shown[text], shown[ground])
                if ratio < MIN_CONTRAST:
                    for name in (text, ground):
                        other = ground if name == text else text
                        out[name]["warnings"].append(
                            f"Kontrast {ratio:.1f}:1 mod {form.palette_label(other).lower()} "
                            f"(under {MIN_CONTRAST:g}:1): tekst bliver svær at læse.")
        return out

    # --- proofs ------------------------------------------------------------------------------

    async def proof(self, slug: str, values: Any) -> dict:
        state = self.state(slug)
        text, data = self.text_for(slug, state, values)
        state.generation += 1
        generation = state.generation
        reply: dict[str, Any] = {"colours": self.colours(data), "generation": generation}
        async with state.lock:  # one build per edition at a time
            if generation != state.generation:
                return {**reply, "status": "superseded"}  # a newer request will build
            known = frozenset(self.images.items)
            folder = str(draft.draft_folder(self.project, slug))
            result = await self.run(proof.proof, str(self.project.root), slug, folder, text, known)
        if result["problems"]:
            return {**reply, "status": "invalid", **self.placed(slug, result["problems"], text),
                    "pages": state.pages}
        self.images.add(result["images"], result["pages"])
        before, state.pages = state.pages, result["pages"]
        return {**reply, "status": "ok", "errors": {}, "general": [], **self.layout(state.pages, before),
                "notes": result["notes"], "superseded": generation != state.generation}

    @staticmethod
    def layout(pages: list[str], before: list[str]) -> dict:
        """The spreads as bound, and which of them the change touched."""
        pairs = spreads(len(pages))
        changed = {i for i, page in enumerate(pages) if i >= len(before) or before[i] != page}
        touched = [n for n, pair in enumerate(pairs) if any(p in changed for p in pair if p is not None)]
        return {"pages": pages, "spreads": [list(p) for p in pairs], "touched": touched}

    async def save(self, slug: str, values: Any, version: Any) -> tuple[int, dict]:
        state = self.state(slug)
        text, data = self.text_for(slug, state, values)
        async with state.lock:
            folder = str(draft.draft_folder(self.project, slug))
            problems = await self.run(proof.validate, str(self.project.root), slug, folder, text)
            if problems:
                return 422, {"status": "invalid", **self.placed(slug, problems, text)}
            try:
                new = draft.save(self.project, slug, text, str(version or ""), data.get("logo"))
            except draft.Conflict:
                return 409, {"status": "conflict",
                             "message": "Udgaven er ændret på disken (i en anden fane eller et andet "
                                        "program), siden du åbnede den. Dine ændringer er ikke gemt."}
            state.opened = draft.Opened(slug, text, new, True)
        return 200, {"status": "saved", "version": new}

    def page_context(self, slug: str, state: EditionState) -> dict:
        content = load_content(self.project, Problems(self.project.root))  # invalid: no wishes to offer
        data = form.plain(form.load_rt(state.opened.text))
        return {
            "slug": slug, "token": self.token, "version": state.opened.version, "saved": state.opened.saved,
            "controls": form.controls(), "values": form.to_form(data), "offered": draft.offered(self.project,
                                                                                                 slug),
            "wishes": [(w.number, w.slug, w.letter.title) for w in (content.wishes if content else ())],
            "palette": load_palette(self.project), "palette_label": form.palette_label,
            "colours": self.colours(data), "choice_labels": form.CHOICE_LABELS,
        }


# --- the guard --------------------------------------------------------------------------------


class Guard:
    """ASGI middleware: Host, Origin and token checked before any route sees a request."""

    def __init__(self, app, studio: Studio):  # noqa: ANN001
        self.app, self.studio = app, studio

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            redirect = self.check(scope, headers)
        except Refused as exc:
            await Response(str(exc), exc.status, media_type="text/plain; charset=utf-8")(scope, receive, send)
            return
        if redirect is not None:
            await redirect(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, scope: dict, headers: dict[str, str]) -> Response | None:
        studio = self.studio
        if headers.get("host", "") not in studio.hosts:
            raise Refused(403, "Forkert Host: studiet svarer kun på sin egen adresse.")
        origin = headers.get("origin")
        if origin is not None and origin not in studio.origins:
            raise Refused(403, "Fremmed Origin: studiet tager kun imod forespørgsler fra sig selv.")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        cookie = SimpleCookie(headers.get("cookie", ""))
        from_cookie = cookie[COOKIE].value if COOKIE in cookie else ""
        header = headers.get(HEADER, "")
        safe = scope["method"] in ("GET", "HEAD")
        candidates = [header] if not safe else [header, given, from_cookie]
        if not any(c and secrets.compare_digest(c.encode(), studio.token.encode()) for c in candidates):
            raise Refused(403, "Adgang nægtet: åbn studiet med adressen, det skrev, da det startede.")
        if safe and given and not header:  # the opened URL: keep the token as a cookie, drop it from the URL
            response = RedirectResponse(scope["path"], 303)
            response.set_cookie(COOKIE, studio.token, httponly=True, samesite="strict", path="/")
            return response
        return None


# --- routes -----------------------------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Refused(413, f"For stor: højst {limit // limits.MB} MB.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, f"For stor: højst {limit // limits.MB} MB.")
    return bytes(body)


async def read_json(request: Request) -> Any:
    try:
        return json.loads(await read_body(request, BODY_BYTES))
    except ValueError as exc:
        raise Refused(400, "Ugyldig forespørgsel.") from exc


def make_app(studio: Studio, on_start: tuple = ()) -> Starlette:
    def refused(handler):  # noqa: ANN001, ANN202
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as exc:
                return JSONResponse({"status": "refused", "message": str(exc)}, exc.status)
            except BookletError as exc:
                return JSONResponse({"status": "error", "message": "\n".join(map(str, exc.problems))}, 422)
        return wrapped

    @refused
    async def index(request: Request) -> Response:
        page = studio.env.get_template("index.html").render(
            editions=edition_slugs(studio.project), token=studio.token)
        return HTMLResponse(page)

    @refused
    async def edition(request: Request) -> Response:
        slug = request.path_params["slug"]
        state = studio.state(slug)
        page = studio.env.get_template("studio.html").render(**studio.page_context(slug, state))
        return HTMLResponse(page)

    @refused
    async def create(request: Request) -> Response:
        body = await read_json(request)
        body = body if isinstance(body, dict) else {}
        slug, name = str(body.get("slug", ""))[:200], str(body.get("name", ""))
        studio.create(slug, name)
        return JSONResponse({"status": "created", "url": f"/e/{quote(slug)}"})

    @refused
    async def proof_route(request: Request) -> Response:
        body = await read_json(request)
        values = body.get("values") if isinstance(body, dict) else None
        return JSONResponse(await studio.proof(request.path_params["slug"], values))

    @refused
    async def save_route(request: Request) -> Response:
        body = await read_json(request)
        body = body if isinstance(body, dict) else {}
        status, reply = await studio.save(request.path_params["slug"], body.get("values"),
                                          body.get("version"))
        return JSONResponse(reply, status)

    @refused
    async def reload_route(request: Request) -> Response:
        slug = request.path_params["slug"]
        state = studio.state(slug, reopen=True)
        data = form.plain(form.load_rt(state.opened.text))
        return JSONResponse({"status": "reloaded", "version": state.opened.version,
                             "values": form.to_form(data)})

    @refused
    async def logo_route(request: Request) -> Response:
        slug = request.path_params["slug"]
        studio.state(slug)
        data = await read_body(request, limits.LOGO_FILE_BYTES)
        name, problems = draft.store_logo(studio.project, slug, data)
        if problems:
            return JSONResponse({"status": "invalid", "errors": {"logo": problems}}, 422)
        return JSONResponse({"status": "stored", "name": name})

    @refused
    async def image_route(request: Request) -> Response:
        key, size = request.path_params["key"], request.path_params["size"]
        if not HASH.fullmatch(key) or size not in ("thumb", "full"):
            raise Refused(404, "Ukendt billede")
        data = studio.images.get(key, size == "full")
        if data is None:
            raise Refused(404, "Ukendt billede")
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @refused
    async def download_route(request: Request) -> Response:
        slug, kind = request.path_params["slug"], request.path_params["kind"]
        state = studio.state(slug)
        if kind not in KINDS:
            raise Refused(404, "Ukendt download")
        if not state.opened.saved:
            raise Refused(409, "Gem udgaven først: downloads bygges af den gemte udgave.")
        marks = request.query_params.get("marks", "crop")
        wish = request.query_params.get("wish", "")
        if marks not in ("crop", "none") or (kind in ("a5", "a4") and not re.fullmatch(r"[1-9]", wish)):
            raise Refused(400, "Ugyldigt valg")
        if kind == "folder":
            name, data = f"{slug}.zip", draft.edition_zip(studio.project, slug)
        else:
            async with state.lock:
                name, data = await studio.run(proof.download, str(studio.project.root), slug, kind, marks,
                                              wish, str(draft.scratch_folder(studio.project)))
        types = {".pdf": "application/pdf", ".epub": "application/epub+zip", ".zip": "application/zip"}
        media = types.get(Path(name).suffix, "application/octet-stream")
        return Response(data, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{quote(name)}"'})

    routes = [
        Route("/", index),
        Route("/new", create, methods=["POST"]),
        Route("/e/{slug}", edition),
        Route("/e/{slug}/proof", proof_route, methods=["POST"]),
        Route("/e/{slug}/save", save_route, methods=["POST"]),
        Route("/e/{slug}/reload", reload_route, methods=["POST"]),
        Route("/e/{slug}/logo", logo_route, methods=["POST"]),
        Route("/e/{slug}/download/{kind}", download_route),
        Route("/image/{key}/{size}", image_route),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        studio.start()
        for hook in on_start:
            hook()
        yield
        studio.stop()

    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=limits.LOGO_FILE_BYTES)
    app.add_middleware(Guard, studio=studio)
    return app


def url(studio: Studio, host: str, slug: str | None = None) -> str:
    path = f"/e/{slug}" if slug else "/"
    return f"http://{host}:{studio.port}{path}?token={studio.token}"


def serve(root: Path, host: str, port: int, edition: str | None, open_browser: bool,
          announce: Callable[[str], None]) -> None:
    """Run the studio until interrupted; ``announce`` is told the address to open."""
    import webbrowser

    import uvicorn

    studio = Studio(root, host, port)
    if edition is not None:
        studio.state(edition)
    address = url(studio, host, edition)
    app = make_app(studio, (lambda: webbrowser.open(address),) if open_browser else ())
    announce(f"booklet studio: {address}")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                limit_concurrency=64, timeout_keep_alive=5)
