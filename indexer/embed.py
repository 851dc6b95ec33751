"""Embed: a passage's meaning as a small vector, from static word vectors shipped in a wheel.

The vectors are wordllama 0.4's (`l2_supercat`, 256 dimensions: token embeddings taken
from Llama 2 and trained to be mean-pooled). Its wheel carries the token table (a 16 MB
safetensors file) and the tokenizer's configuration; building corpus-search copies the
two into indexer/vectors/ (setup.py), so an installed corpus-search needs neither
wordllama nor its dependencies, and nothing is downloaded at run time, ever. An editable
install reads them from an installed wordllama instead. We read the two files
ourselves: wordllama's own loader looks for the tokenizer in a cache folder and tries
the network when it is not there, and its import pulls in pydantic and requests. The
table is memory-mapped with numpy. The tokenizer is Llama's byte-fallback
BPE, done here from the configuration's vocabulary (`Bpe`; tests/test_semantic.py checks
it gives the tokens `tokenizers` gives): loading `tokenizers` and its 61k merges took
60 ms of every search, the vocabulary alone takes 6 ms from the plain list of its tokens
kept in the user's cache (`_vocabulary`).

A text's vector is the mean of its tokens' vectors, L2-normalised, kept as float16
(512 bytes a passage). Its first PREFIX dimensions are a coarser vector of their own
(the model was trained so, "Matryoshka" style), kept too, renormalised (128 bytes): search
reads every passage's coarse vector to find candidates and only the candidates' full ones.
"""
from __future__ import annotations

import json
import os
import re
import struct
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

# numpy is imported where vectors are made: the schema's column names below are read by
# every command that creates an index, and a bulk add's parent process makes no vectors
# (its cleaning workers do), so it does not pay numpy's ~14 MB.
if TYPE_CHECKING:
    import numpy as np

#: The index's column of passage vectors. Its name says which model made them: vectors
#: of another model (or none, in an index built before) are never compared with a query.
FIELD = "vector_wl04_256"
DIM = 256
#: The coarse vectors' column, and their dimensions.
COARSE_FIELD = "vector_wl04_64"
PREFIX = 64
#: Tokens embedded per text at most: a passage is 150-250 words; a pasted page is cut.
MAX_TOKENS = 2048
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"

#: Words whose tokens are remembered; the memo is emptied beyond this.
WORDS_CACHED = 30_000
_SPACE = "\u2581"  # SentencePiece's visible space, "▁"
#: A run of visible spaces and the word after it (or a word with none before it).
_CHUNK = re.compile(f"{_SPACE}+[^{_SPACE}]*|[^{_SPACE}]+")


class Bpe:
    """Llama 2's tokenizer as wordllama configures it (tokenizers' BPE with byte fallback):
    a space becomes "▁" and one is put in front, then each word (with the "▁"s before it)
    is merged pairwise, the pair whose merged piece comes first in the vocabulary first
    (SentencePiece orders merges by that piece's score, which orders the vocabulary); a
    character the vocabulary lacks becomes its UTF-8 bytes' tokens."""

    def __init__(self, vocabulary: dict[str, int]):
        self._vocab = vocabulary
        self._bytes = [vocabulary[f"<0x{b:02X}>"] for b in range(256)]
        self._words: dict[str, tuple[int, ...]] = {}

    def ids(self, text: str) -> list[int]:
        out: list[int] = []
        if not text:
            return out
        words = self._words
        for chunk in _CHUNK.findall(_SPACE + text.replace(" ", _SPACE)):
            found = words.get(chunk)
            if found is None:
                if len(words) >= WORDS_CACHED:
                    words.clear()
                found = words[chunk] = self._merge(chunk)
            out.extend(found)
        return out

    def _merge(self, chunk: str) -> tuple[int, ...]:
        vocab = self._vocab
        if chunk in vocab:
            return (vocab[chunk],)
        parts = list(chunk)
        while len(parts) > 1:
            best, at = None, -1
            for i in range(len(parts) - 1):
                rank = vocab.get(parts[i] + parts[i + 1])
                if rank is not None and (best is None or rank < best):
                    best, at = rank, i
            if best is None:
                break
            parts[at:at + 2] = [parts[at] + parts[at + 1]]
        out: list[int] = []
        for part in parts:
            found = vocab.get(part)
            if found is None:
                out.extend(self._bytes[b] for b in part.encode("utf-8"))
            else:
                out.append(found)
        return tuple(out)


class Embedder:
    """Texts to unit vectors: tokenize, look up, mean-pool, normalise."""

    def __init__(self, table: np.ndarray, tokenizer: Bpe):
        self._table = table
        self._tokenizer = tokenizer

    def vector(self, text: str) -> np.ndarray:
        """The text's unit vector (float32); all zeros for a text without tokens."""
        import numpy as np

        # Runs of white space say nothing of meaning (and line breaks are byte tokens).
        ids = self._tokenizer.ids(" ".join(text.split()))[:MAX_TOKENS]
        if not ids:
            return np.zeros(DIM, dtype=np.float32)
        # The mean as a count-weighted sum over distinct tokens: half the work of
        # gathering a row per token, as a passage repeats its words.
        distinct, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        pooled = np.einsum("i,ij->j", counts.astype(np.float32), self._table[distinct].astype(np.float32))
        norm = float(np.linalg.norm(pooled))
        return pooled / norm if norm else pooled

    def vectors(self, texts: list[str]) -> np.ndarray:
        """One float16 row per text."""
        import numpy as np

        out = np.zeros((len(texts), DIM), dtype=np.float16)
        for row, text in enumerate(texts):
            out[row] = self.vector(text)
        return out


def model_folder() -> Path | None:
    """Where the two files are: the package's own copy, made when it was built, else an
    installed wordllama's (an editable install); None when neither is there."""
    own = Path(__file__).with_name("vectors")
    if (own / _WEIGHTS).is_file():
        return own
    from importlib.util import find_spec

    # Only wordllama's files are used: its package is found, never imported.
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def embedder() -> Embedder | None:
    """The one Embedder of this process, or None when the vectors are not installed (then
    the index gets no vectors and search is lexical only)."""
    folder = model_folder()
    if folder is None:
        return None
    try:
        table = _read_table(folder / _WEIGHTS)
        tokenizer = Bpe(_vocabulary(folder / _TOKENIZER))
    except (OSError, ValueError, KeyError, TypeError):  # a damaged install: lexical only
        return None
    return Embedder(table, tokenizer)


def _read_table(path: Path) -> np.ndarray:
    """The token table from a safetensors file: an 8-byte header length, a JSON header
    naming each tensor's dtype, shape and byte range, then the raw bytes. Mapped, not
    read: the cleaning workers then share one copy in the page cache, and only the rows
    of tokens in use are ever loaded."""
    with path.open("rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        meta = json.loads(f.read(size))["embedding.weight"]
    import numpy as np

    rows, dim = meta["shape"]
    start, end = meta["data_offsets"]
    if meta["dtype"] != "F16" or dim != DIM or end - start != rows * dim * 2:
        raise ValueError(f"unexpected token table {meta['dtype']} {meta['shape']}")
    return np.memmap(path, dtype=np.float16, mode="r", offset=8 + size + start, shape=(rows, dim))


def _vocabulary(config: Path) -> dict[str, int]:
    """The tokenizer's vocabulary (piece -> id). Parsing the 1.8 MB configuration takes
    25 ms, so its pieces are also kept, in id order and NUL-separated (no piece holds a
    NUL), in the user's cache, keyed by the configuration's size and time; that list
    loads in 6 ms. Plain text, not a pickle or marshal: reading it runs nothing."""
    from indexer.layout import cache_root

    stat = config.stat()
    kept = cache_root() / "models" / f"{config.stem}-{stat.st_size}-{stat.st_mtime_ns}.pieces"
    try:
        pieces = kept.read_bytes().decode("utf-8").split("\0")  # bytes: pieces hold "\r"
        vocabulary = dict(zip(pieces, range(len(pieces))))
        if len(vocabulary) == len(pieces) > 256:
            return vocabulary
    except (OSError, UnicodeDecodeError):
        pass
    model = json.loads(config.read_text(encoding="utf-8"))["model"]
    if model.get("type") != "BPE" or not model.get("byte_fallback"):
        raise ValueError(f"unexpected tokenizer {model.get('type')}")
    vocabulary = model["vocab"]
    pieces = sorted(vocabulary, key=vocabulary.__getitem__)
    if [vocabulary[p] for p in pieces] != list(range(len(pieces))) or any("\0" in p for p in pieces):
        return vocabulary  # not a plain id-ordered list: used, not kept
    spare = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        spare.write_bytes("\0".join(pieces).encode("utf-8"))
        os.replace(spare, kept)  # whole or absent, even with two processes writing it
    except OSError:  # a read-only or full cache: parse the configuration each time
        with suppress(OSError):
            spare.unlink(missing_ok=True)
    return vocabulary


def passage_text(title: str, headings: tuple[str, ...], body: str) -> str:
    """What a passage's vector is made from: its article's title, its headings, its text."""
    return " ".join(part for part in (title, " ".join(headings), body) if part)


def passage_vectors(title: str, passages) -> list[dict[str, bytes]]:
    """Each passage's vector columns ({FIELD: full, COARSE_FIELD: coarse}), or nothing for
    any passage when there is no model (the columns' default, zeros, says "no vector")."""
    model = embedder()
    if model is None:
        return [{} for _ in passages]
    import numpy as np

    rows = model.vectors([passage_text(title, p.headings, p.text) for p in passages])
    coarse = rows[:, :PREFIX].astype(np.float32)
    norms = np.linalg.norm(coarse, axis=1, keepdims=True)
    np.divide(coarse, norms, out=coarse, where=norms > 0)
    coarse = coarse.astype(np.float16)
    return [{FIELD: full.tobytes(), COARSE_FIELD: short.tobytes()} for full, short in zip(rows, coarse)]
