"""pytest plugin of bench/mutation_full.py (loaded with `-p bench.mutation_plugin`).

--mut-trace FILE   record, for each test (setup, call and teardown), the lines of the rule
                   modules it executes, and its duration; written as JSON at the end.
--mut-template DIR the session's template room is a copy of the room in DIR (built once, from
                   the unmutated code, exactly as tests/conftest.py builds it) instead of being
                   built again in every mutant's run: the Argon2id key slots of six accounts
                   cost about a second and a half a run.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

RULE_FILES: set[str] = set()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mutation")
    group.addoption("--mut-trace", default=None)
    group.addoption("--mut-template", default=None)
    group.addoption("--mut-files", default="", help="comma-separated rule module paths to trace")


class Tracer:
    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.current: set[tuple[str, int]] | None = None
        self.lines: dict[str, set[tuple[str, int]]] = {}
        self.seconds: dict[str, float] = {}

    def global_trace(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename in self.files:
            return self.local_trace
        return None

    def local_trace(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line" and self.current is not None:
            self.current.add((frame.f_code.co_filename, frame.f_lineno))
        return self.local_trace

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        self.current = self.lines.setdefault(item.nodeid, set())
        started = time.perf_counter()
        sys.settrace(self.global_trace)
        threading.settrace(self.global_trace)
        try:
            return (yield)
        finally:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]
            self.seconds[item.nodeid] = time.perf_counter() - started
            self.current = None


def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("--mut-trace")
    if out:
        files = {str(Path(f).resolve()) for f in config.getoption("--mut-files").split(",") if f}
        tracer = Tracer(files)
        config.pluginmanager.register(tracer, "mutation-tracer")
        config._mut_tracer = tracer  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    tracer = getattr(config, "_mut_tracer", None)
    out = config.getoption("--mut-trace")
    if tracer is None or not out:
        return
    root = Path.cwd().resolve()
    data = {
        nodeid: {
            "seconds": tracer.seconds.get(nodeid, 0.0),
            "lines": sorted(
                f"{Path(f).resolve().relative_to(root)}:{n}" for f, n in tracer.lines[nodeid]
            ),
        }
        for nodeid in tracer.lines
    }
    Path(out).write_text(json.dumps(data), encoding="utf-8")


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Any:
    if fixturedef.argname != "template_room":
        return None
    built = request.config.getoption("--mut-template")
    if not built:
        return None
    from app.paths import RoomPaths

    where = request.getfixturevalue("tmp_path_factory").mktemp("template")
    for f in Path(built).iterdir():
        shutil.copyfile(f, where / f.name)
    result = RoomPaths(where / "room.mjdb")
    fixturedef.cached_result = (result, fixturedef.cache_key(request), None)
    return result
