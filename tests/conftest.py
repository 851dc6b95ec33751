"""Shared fixtures: a copy of the sample corpus, paths to the sample articles, a CLI runner.

Also which tests run. `python -m pytest` runs the suite a developer runs often; tests
marked `slow` (exhaustive and scale: every crash point, SIGKILL loops, 100k-line inputs,
a full disk) are skipped there. CORPUS_TESTS=all runs everything, every crash and
concurrency point included (.ci/run sets it); `-m slow` runs the slow ones alone.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpus"
REVIEW = SAMPLES / "leg-twitch-symptom-review.txt"
TWITCHES = SAMPLES / "twitches-in-your-body.txt"
SHARED = REPO.parent / "shared"
#: CORPUS_TESTS=all: every test, at every crash and concurrency point.
EVERYTHING = os.environ.get("CORPUS_TESTS") == "all"


def pytest_collection_modifyitems(config, items):
    if EVERYTHING or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: CORPUS_TESTS=all runs it (as .ci/run does), or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """Derived state (index, catalog) goes to a fresh folder, never the user's own cache."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def sample_corpus(tmp_path: Path) -> Path:
    """A fresh corpus holding the two sample articles (no marker, no index yet)."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in (REVIEW, TWITCHES):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner):
    """Invoke `corpus --corpus ROOT ARGS...` in-process; returns click's Result."""
    from search.cli import main

    def invoke(root: Path, *args: str, **kwargs):
        return runner.invoke(main, ["--corpus", str(root), *args], catch_exceptions=False, **kwargs)

    return invoke
