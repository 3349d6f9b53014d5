"""Shared studio fixtures: one copy of the project, one in-process app and one live server
for the whole session (each has one worker process, started once)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from booklet.studio.server import Studio, make_app

from ..conftest import ROOT, copy_project

TOKEN = "test-token-0123456789"
PORT = 8765  # the in-process app's (nothing listens on it)


@pytest.fixture(scope="session")
def studio_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project the studio may save into, its fit cache warm from the repo's."""
    root = copy_project(tmp_path_factory.mktemp("studio") / "project")
    cache = ROOT / "dist" / ".cache" / "fit.json"
    if cache.is_file():
        (root / "dist" / ".cache").mkdir(parents=True)
        shutil.copy(cache, root / "dist" / ".cache" / "fit.json")
    return root


@pytest.fixture(scope="session")
def client(studio_root: Path) -> Iterator:
    """The app in-process (Starlette's test client), as the studio's own page calls it."""
    from starlette.testclient import TestClient

    studio = Studio(studio_root, port=PORT, token=TOKEN)
    with TestClient(make_app(studio), base_url=f"http://127.0.0.1:{PORT}") as test_client:
        test_client.headers.update({"x-studio-token": TOKEN, "origin": f"http://127.0.0.1:{PORT}"})
        test_client.studio = studio
        yield test_client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live(studio_root: Path) -> Iterator[Studio]:
    """The studio served by uvicorn on loopback, as `booklet studio` serves it."""
    import uvicorn

    studio = Studio(studio_root, port=free_port(), token=TOKEN)
    server = uvicorn.Server(uvicorn.Config(make_app(studio), host="127.0.0.1", port=studio.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the studio did not start"
    try:
        yield studio
    finally:
        server.should_exit = True
        thread.join(timeout=30)
