"""Compare PDF libraries as indexer/pdf's reader: the same pipeline after the reading step.

Each candidate turns a PDF into indexer.pdf.read's pages of spans (text, box, font size,
boldness); running lines, layout, headings and the plain-text cleaner are the same for
all. Scored like eval_extract.py (word 4-gram F1) on pdf-dev, with the CPU seconds of
the reading step alone (process time: the machine may be shared, so take the ratios,
not the seconds) and the size each library (and what it pulls in) installs.

    python tests/bench/bench_pdf.py                      # pypdfium2, pdfminer.six, pypdf
    python tests/bench/bench_pdf.py --only pypdfium2 --limit 20

pdfminer.six and pypdf are not dependencies: `pip install pdfminer.six pypdf` first.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
#: The shared evaluation data beside the checkout (or beside the folder of work trees).
EVAL = next((folder / "shared" / "eval" / "extract" for folder in ROOT.parents
             if (folder / "shared" / "eval" / "extract").is_dir()), ROOT.parent / "shared" / "eval" / "extract")
sys.path.insert(0, str(EVAL))

from eval_extract import page_counts, score  # noqa: E402

from indexer.isolate import isolated  # noqa: E402
from indexer.models import Cleaned  # noqa: E402
from indexer.pdf import clean as pdf_clean  # noqa: E402
from indexer.pdf.read import Page, Pdf, Span, read_pdf  # noqa: E402

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)


def read_pdfminer(data: bytes) -> Pdf:
    """pdfminer.six's layout analysis: its text lines (in its reading order) as spans."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    pages = []
    for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
        height = layout.height
        spans = []

        def lines_of(item):
            if isinstance(item, LTTextLine):
                yield item
            elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
                for child in item:
                    yield from lines_of(child)

        for item in layout:
            for line in lines_of(item):
                text = " ".join(line.get_text().split())
                chars = [c for c in line if isinstance(c, LTChar)]
                if not text or not chars:
                    continue
                sizes = Counter(round(c.size, 1) for c in chars)
                bold = bool(_BOLD.search(chars[0].fontname)) and bool(_BOLD.search(chars[-1].fontname))
                spans.append(Span(text, number, line.x0, height - line.y1, line.x1, height - line.y0,
                                  sizes.most_common(1)[0][0], bold))
        pages.append(Page(number, layout.width, height, tuple(spans)))
    return Pdf(tuple(pages), {}, ())


def read_pypdf(data: bytes) -> Pdf:
    """pypdf's text visitor: each shown string with its matrix, runs on one baseline joined."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = []
    for number, page in enumerate(reader.pages, 1):
        height = float(page.mediabox.height)
        runs = []

        def visit(text, cm, tm, font, size):
            if not text.strip():
                return
            a, b, c, d, e, f = tm
            ca, cb, cc, cd, ce, cf = cm
            x = e * ca + f * cc + ce
            y = e * cb + f * cd + cf
            scale = (abs(a * d - b * c) ** 0.5) * (abs(ca * cd - cb * cc) ** 0.5)
            name = (font or {}).get("/BaseFont", "") if hasattr(font, "get") else ""
            runs.append((text, x, y, size * scale, bool(_BOLD.search(str(name)))))

        page.extract_text(visitor_text=visit)
        spans = []
        for text, x, y, size, bold in runs:
            width = 0.5 * size * len(text)
            last = spans[-1] if spans else None
            if last and abs((height - y) - last.bottom + 0.2 * size) < 0.5 * size and 0 <= x - last.x1 < 1.2 * size:
                spans[-1] = Span((last.text + ("" if x - last.x1 < 0.15 * size else " ") + text).strip(), number,
                                 last.x0, last.top, x + width, last.bottom, last.size, last.bold and bold)
                continue
            spans.append(Span(" ".join(text.split()), number, x, height - y - 0.8 * size, x + width,
                              height - y + 0.2 * size, round(size, 1), bold))
        pages.append(Page(number, float(page.mediabox.width), height, tuple(s for s in spans if s.text)))
    return Pdf(tuple(pages), {}, ())


def read_pypdfium2(data: bytes) -> Pdf:
    return read_pdf(data)


READERS = {"pypdfium2": read_pypdfium2, "pdfminer.six": read_pdfminer, "pypdf": read_pypdf}
#: What each installs besides itself.
PULLS = {"pypdfium2": [], "pdfminer.six": ["cryptography", "cffi", "pycparser", "charset-normalizer"], "pypdf": []}


def installed_mb(name: str) -> float:
    try:
        files = importlib.metadata.files(name) or []
    except importlib.metadata.PackageNotFoundError:
        return 0.0
    return sum(f.size or 0 for f in files) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=EVAL / "pdf-dev")
    parser.add_argument("--only", choices=sorted(READERS), action="append")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:args.limit or None]
    for name in args.only or list(READERS):
        reader = READERS[name]
        spent = 0.0
        info = {}

        def timed(data: bytes) -> Pdf:
            nonlocal spent
            start = time.process_time()
            pdf = reader(data)
            spent += time.process_time() - start
            # The document info is read the same way for every candidate (pypdfium2's), so
            # only the text differs.
            return Pdf(pdf.pages, info["info"], ())

        counts = []
        pdf_clean.read_pdf = timed
        # The reader runs in this process, not in clean_pdf's forked child, so that its CPU
        # time is counted here.
        pdf_clean.isolated = lambda call, argument, what, **_: call(argument)
        try:
            for page_id in ids:
                data = (args.data / f"{page_id}.pdf").read_bytes()
                info["info"] = read_pdf(data).info
                try:
                    cleaned: Cleaned = pdf_clean.clean_pdf(data)
                    text = "\n\n".join(block.text for block in cleaned.blocks)
                except Exception as exc:  # a reader that fails on a page scores it as empty
                    print(f"  {name}: {page_id[:10]}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    text = ""
                counts.append(page_counts(truth[page_id]["articleBody"], text))
        finally:
            pdf_clean.read_pdf = read_pdf
            pdf_clean.isolated = isolated
        f1, precision, recall = score(counts)
        size = installed_mb(name) + sum(installed_mb(dep) for dep in PULLS[name])
        print(f"{name:13} F1={f1:.3f} P={precision:.3f} R={recall:.3f}  read CPU {spent:6.1f} s "
              f"({len(ids)} PDFs)  installs {size:5.1f} MB")


if __name__ == "__main__":
    main()
