"""The wheel a user gets from `pip install .` works: every subpackage and data file is in it.

The checkout's editable install hides a missing subpackage (`indexer.html` once was), so
this builds the wheel from a copy of the sources, installs it into a fresh virtual
environment outside the checkout and runs the installed `corpus` from another folder.
The new environment borrows the running interpreter's site-packages for the
dependencies, so nothing is downloaded.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.pdfmaker import Text, make_pdf

PACKAGES = ("indexer", "search")
PAGE = """<!doctype html><html lang="en"><head><title>Night cramps explained</title>
<meta name="author" content="A. Writer"></head><body><nav><a href="/">Home</a></nav>
<article><h1>Night cramps explained</h1>
<p>Night cramps are sudden tight pains in the calf. Stretching before bed, drinking enough water
and a warm bath often ease them; magnesium helps some people but not all.</p>
<h2>When to see a doctor</h2>
<p>See a doctor when cramps wake you every night, when the muscle stays weak, or when the leg
swells. Most night cramps are harmless and pass within minutes.</p></article>
<footer>Copyright</footer></body></html>
"""
NOTE = "Hiccups\n\nA hiccup is a sudden contraction of the diaphragm. Holding your breath may stop it.\n"
RECORDS = [{"_id": "rec-1", "title": "Yawning", "text": "Yawning spreads through a room like a rumour."},
           {"_id": "rec-2", "title": "Sneezing", "text": "A sneeze clears the nose at great speed."}]


def _source_files() -> list[str]:
    """Every file the packages ship, as paths inside the wheel."""
    found = []
    for package in PACKAGES:
        for path in (REPO / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                found.append(path.relative_to(REPO).as_posix())
    return sorted(found)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of what a clone holds (no build/ or egg-info of the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, source / name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(work / "dist"), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (work / "dist").glob("corpus_search-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its `corpus` script."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies (and pip) come from the running interpreter's site-packages, listed
    # in a .pth file: plain paths, after the new environment's own, whose .pth hooks do not
    # run. --system-site-packages would run them, and the checkout's editable install would
    # then answer for any module missing from the wheel.
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    outer = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (purelib / "outer-site.pth").write_text("\n".join(dict.fromkeys(outer)) + "\n")
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin" / "corpus"


def _run(corpus: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CORPUS_PATH", "PYTHONPATH")}
    return subprocess.run([str(corpus), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_wheel_holds_every_subpackage_and_data_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in _source_files() if name not in names]
    assert not missing, f"not in the wheel: {missing}; see [tool.setuptools] in pyproject.toml"
    # The word vectors, copied from wordllama at build time (setup.py), with its licence.
    vectors = {"indexer/vectors/weights/l2_supercat_256.safetensors",
               "indexer/vectors/tokenizers/l2_supercat_tokenizer_config.json", "indexer/vectors/LICENSE-wordllama.txt"}
    assert vectors <= names, f"not in the wheel: {sorted(vectors - names)}; see setup.py"


def test_the_wheel_needs_no_package_it_never_imports(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [line.split(":", 1)[1].split(";")[0].strip() for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not [r for r in requires if r.lower().startswith("wordllama")], requires


def test_installed_corpus_adds_searches_and_cleans_from_another_folder(installed, tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "cramps.html").write_text(PAGE, encoding="utf-8")
    (work / "hiccups.txt").write_text(NOTE, encoding="utf-8")
    (work / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    (work / "glaciers.pdf").write_bytes(make_pdf([[Text(72, 72, "Glaciers retreat as summers lengthen.")],
                                                  [Text(72, 72, "Meltwater feeds the moraine lakes below.")]]))
    # The installed code, not the checkout's, is what runs.
    where = _run(installed.with_name("python"), "-c", "import indexer, search; print(indexer.__file__); "
                 "print(search.__file__)", cwd=work)
    assert where.returncode == 0, where.stderr
    assert all(Path(line).is_relative_to(installed.parent.parent) for line in where.stdout.split())
    # So are its own word vectors (the borrowed site-packages hold wordllama's too).
    vectors = _run(installed.with_name("python"), "-c", "from indexer import embed; print(embed.model_folder())",
                   cwd=work)
    assert Path(vectors.stdout.strip()).is_relative_to(installed.parent.parent), vectors.stdout + vectors.stderr

    added = _run(installed, "add", "cramps.html", "hiccups.txt", "records.jsonl", "glaciers.pdf", cwd=work)
    assert added.returncode == 0, added.stderr
    assert "Traceback" not in added.stderr
    assert added.stdout.splitlines()[-1].startswith("5 added")
    assert (work / "corpus" / ".corpus").is_file()

    sub = work / "deeper" / "still"
    sub.mkdir(parents=True)
    for query, expected in (("night cramps", "cramps"), ("diaphragm", "hiccups"), ("sneeze", "rec-2"),
                            ("moraine", "glaciers")):
        found = _run(installed, "search", query, "--json", cwd=sub)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["results"][0]["article_id"] == expected, query

    for name in ("cramps.html", "hiccups.txt", "records.jsonl", "glaciers.pdf"):
        cleaned = _run(installed, "clean", "--json", name, cwd=work)
        assert cleaned.returncode == 0 and "Traceback" not in cleaned.stderr, cleaned.stderr
        assert json.loads(cleaned.stdout.splitlines()[0])["text"]
