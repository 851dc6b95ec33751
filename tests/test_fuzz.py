"""Fuzzing: whatever the input, the query parser, load+clean and the JSON Lines reader
raise nothing but the project's own CorpusError types.

The default run is small and quick. A nightly-style run sets the number of examples per
target, e.g.

    CORPUS_FUZZ_EXAMPLES=10000 python -m pytest -q tests/test_fuzz.py

The inputs are aimed where hostile files were found to hurt: charset declarations naming
every codec Python has, deep JSON and JSON-LD, odd JSON values, raw bytes.
"""
import encodings.aliases
import io
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.corpus import prepare
from indexer.errors import CorpusError
from indexer.formats import sniff
from indexer.load import document_from_bytes, load_stdin, read_jsonl
from search.query import parse

#: 40 examples a run by default; CORPUS_TESTS=all (as .ci/run sets) runs 400.
EXAMPLES = int(os.environ.get("CORPUS_FUZZ_EXAMPLES", "400" if os.environ.get("CORPUS_TESTS") == "all" else "40"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

CODEC_LABELS = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
                      | {"undefined", "utf-7", "rot13", "hex", "base64", "x-user-defined", "", "utf\x008"})


def only_project_errors(function, *args):
    """Run `function`; a CorpusError is a fine answer, anything else fails the test."""
    try:
        return function(*args)
    except CorpusError:
        return None


# -- building blocks -------------------------------------------------------------

def deep(opening: str, closing: str, most: int = 6000) -> st.SearchStrategy[str]:
    return st.integers(0, most).map(lambda n: opening * n + closing * n)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
json_text = st.one_of(json_values.map(lambda v: json.dumps(v)), deep("[", "]"), deep('{"a":', "}").map(
    lambda s: s.replace('{"a":}', "{}") if s.endswith("}") else s), st.integers(0, 6000).map(lambda n: "9" * n))
record_fields = st.fixed_dictionaries({}, optional={
    "_id": json_values, "id": json_values, "title": json_values, "text": st.text(max_size=200) | json_values,
    "url": json_values, "metadata": json_values, "author": json_values})
record_lines = st.one_of(
    record_fields.map(lambda r: json.dumps(r)),
    st.builds(lambda r, tail: json.dumps(r)[:-1] + ', "x": ' + tail + "}", record_fields, json_text),
    json_text, st.text(max_size=100))

query_chars = st.sampled_from(list('"-−:~*?()[]{}^+!&|\\/\'`. ') + ["title:", "section:", "body:", "AND", "OR",
                                                                    "NOT", "~2", "magnesium", "leg-cramp"])
queries = st.lists(query_chars | st.characters(), max_size=40).map("".join) | st.text()

html_pieces = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<table><tr><td>", "</td></tr></table>", "<h1>", "</h1>",
                     "<h2>", "<li>", "<ul>", "</ul>", "<script>", "</script>", "<style>", "<!--", "-->", "<br>",
                     "<article>", "</article>", "<nav>", "<pre>", "&amp;", "&#0;", "&#x110000;", "<![CDATA[",
                     "<title>", "</title>", "<svg>", "<math>", "<template>", "<noscript>", "<?xml?>"]),
    st.sampled_from(CODEC_LABELS).map(lambda c: f'<meta charset="{c}">'),
    st.sampled_from(CODEC_LABELS).map(lambda c: f'<?xml version="1.0" encoding="{c}"?>'),
    st.builds(lambda j: f'<script type="application/ld+json">{j}</script>', json_text),
    st.builds(lambda j: f'<meta property="{j}" content="{j}">',
              st.sampled_from(["og:title", "article:published_time", "author", "og:url", "description"])),
    # Deep markup is shallower here: its cost is measured by tests/bench/bench_hostile.py,
    # and thousands of examples must stay affordable.
    deep("<div>", "</div>", 300), deep("<table><tr><td>", "</td></tr></table>", 100),
    deep("<ul><li>", "</li></ul>", 300),
)
html_pages = st.lists(html_pieces, max_size=30).map("".join)
encodings_to_write = st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1", "shift_jis", "koi8-r"])


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


# -- targets ---------------------------------------------------------------------

@fuzz
@given(queries)
def test_query_parser(text):
    only_project_errors(parse, text)


def _load_and_clean(data: bytes, kind, charset=None):
    def run():
        claimed = sniff(data, kind)
        return prepare(document_from_bytes(data, "fuzz", claimed, "fuzz", charset=charset))

    return only_project_errors(run)


@fuzz
@given(html_pages, encodings_to_write, st.binary(max_size=40), st.sampled_from(CODEC_LABELS) | st.none())
def test_clean_html(page, codec, tail, charset):
    _load_and_clean(_encoded(page, codec) + tail, "html", charset)


@fuzz
@given(st.text(), st.sampled_from(["text", "markdown", "html", "record"]), encodings_to_write)
def test_clean_any_kind_from_text(text, kind, codec):
    _load_and_clean(_encoded(text, codec), kind)


@fuzz
@given(st.binary(), st.sampled_from(["text", "markdown", "html", "record", None]),
       st.sampled_from(CODEC_LABELS) | st.none())
def test_clean_any_kind_from_bytes(data, kind, charset):
    _load_and_clean(data, kind, charset)


@fuzz
@given(st.lists(record_lines | st.binary(max_size=60).map(lambda b: b.decode("latin-1")), max_size=8))
def test_jsonl_reader(lines):
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    for item in only_project_errors(lambda: list(read_jsonl(io.BytesIO(data), "fuzz"))) or []:
        if hasattr(item, "kind"):
            only_project_errors(prepare, item)


@fuzz
@given(st.lists(record_lines, max_size=4).map("\n".join) | html_pages | st.text(), st.none() | st.just("given-id"))
def test_stdin_reader(text, doc_id):
    data = text.encode("utf-8", errors="surrogatepass")
    only_project_errors(lambda: list(load_stdin(io.BytesIO(data), doc_id)))
