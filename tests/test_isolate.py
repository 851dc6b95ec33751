"""A native library that crashes or hangs on one file costs that file, not the run."""
from __future__ import annotations

import ctypes
import os
import signal

import pytest

from indexer.errors import UnreadableArticle
from indexer.isolate import isolated
from indexer.pdf import clean as pdf_clean
from indexer.pdf.read import read_pdf
from search.cli import main
from tests.pdfmaker import make_pdf, paragraph

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="isolation forks a child")

#: A word only the poisoned files hold, where the stand-in for a PDFium bug strikes.
POISON = "Zyzzogeton"


def _pdf(number: int, poisoned: bool = False) -> bytes:
    words = f"{POISON} " if poisoned else ""
    return make_pdf([paragraph(72, 72, [
        f"Report {number} {words}counts the herons that nest along the river each spring,",
        "and the teams compare this year's count with the counts of the years before.",
    ])], {"Title": f"Heron count {number}"})


def _crashing_reader(data: bytes):
    if POISON.encode() in data:
        ctypes.string_at(0)  # a null pointer read: the segfault a C++ bug gives
    return read_pdf(data)


def _hanging_reader(data: bytes):
    if POISON.encode() in data:
        signal.pause()  # never returns: a reader stuck in a loop
    return read_pdf(data)


def test_a_value_and_an_error_come_back_from_the_child():
    assert isolated(len, b"four", "len") == 4
    with pytest.raises(UnreadableArticle, match="damaged PDF"):
        isolated(read_pdf, b"%PDF-1.4 not really", "PDFium")


def test_a_crash_in_the_child_is_one_reason(monkeypatch):
    monkeypatch.setattr(pdf_clean, "read_pdf", _crashing_reader)
    with pytest.raises(UnreadableArticle, match=r"crashed on this file \(signal 11\)"):
        pdf_clean.clean_pdf(_pdf(1, poisoned=True))
    assert pdf_clean.clean_pdf(_pdf(2)).blocks  # the process that asked is unharmed


def test_a_hang_is_stopped_at_the_deadline(monkeypatch):
    monkeypatch.setattr(pdf_clean, "read_pdf", _hanging_reader)
    monkeypatch.setattr("indexer.isolate.DEADLINE", 1.0)
    monkeypatch.setattr(pdf_clean, "isolated",
                        lambda call, data, what: isolated(call, data, what, deadline=1.0))
    with pytest.raises(UnreadableArticle, match="took over 1 s"):
        pdf_clean.clean_pdf(_pdf(1, poisoned=True))


@pytest.mark.parametrize("count", [5, 40], ids=["in-process", "workers"])
def test_an_add_skips_the_file_that_crashes_the_reader_and_keeps_the_rest(count, monkeypatch, tmp_path, runner):
    # 40 files start the cleaning workers (a chunk is 32): a crash there used to end the run.
    monkeypatch.setattr(pdf_clean, "read_pdf", _crashing_reader)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for number in range(count):
        (folder / f"heron-{number:02d}.pdf").write_bytes(_pdf(number, poisoned=number == 3))
    corpus = tmp_path / "kb"
    result = runner.invoke(main, ["--corpus", str(corpus), "add", "-q", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(f"{count - 1} added, 0 updated, 0 unchanged, 1 skipped")
    assert "heron-03.pdf: the PDF library (PDFium) crashed on this file (signal 11); skipped" in result.stderr
    found = runner.invoke(main, ["--corpus", str(corpus), "search", "herons", "--limit", "100", "--json"])
    assert found.exit_code == 0 and found.stdout.count('"article_id"') == count - 1
