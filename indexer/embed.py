"""Embed: a passage's meaning as a small vector, from static word vectors shipped in a wheel.

The vectors are wordllama 0.4's (`l2_supercat`, 256 dimensions: token embeddings taken
from Llama 2 and trained to be mean-pooled). Its wheel carries the token table (a 16 MB
safetensors file) and the tokenizer's configuration, so nothing is downloaded, ever. We
read the two files ourselves, the table with numpy and the tokenizer with `tokenizers`:
wordllama's own loader looks for the tokenizer in a cache folder and tries the network
when it is not there, and its import pulls in pydantic and requests.

A text's vector is the mean of its tokens' vectors, L2-normalised, kept as float16
(512 bytes a passage). Its first PREFIX dimensions are a coarser vector of their own
(the model was trained so, "Matryoshka" style): search uses them to find candidates fast.
"""
from __future__ import annotations

import json
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

#: The index's column of passage vectors. Its name says which model made them: vectors
#: of another model (or none, in an index built before) are never compared with a query.
FIELD = "vector_wl04_256"
DIM = 256
#: Dimensions of the coarse vector used to find candidates.
PREFIX = 64
#: Tokens embedded per text at most: a passage is 150-250 words; a pasted page is cut.
MAX_TOKENS = 2048
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


class Embedder:
    """Texts to unit vectors: tokenize, look up, mean-pool, normalise."""

    def __init__(self, table: np.ndarray, tokenizer):
        self._table = table
        self._tokenizer = tokenizer

    def vector(self, text: str) -> np.ndarray:
        """The text's unit vector (float32); all zeros for a text without tokens."""
        ids = self._tokenizer.encode(text, add_special_tokens=False).ids[:MAX_TOKENS]
        if not ids:
            return np.zeros(DIM, dtype=np.float32)
        pooled = self._table[ids].mean(axis=0, dtype=np.float32)
        norm = float(np.linalg.norm(pooled))
        return pooled / norm if norm else pooled

    def vectors(self, texts: list[str]) -> np.ndarray:
        """One float16 row per text."""
        out = np.zeros((len(texts), DIM), dtype=np.float16)
        for row, text in enumerate(texts):
            out[row] = self.vector(text)
        return out


@lru_cache(maxsize=1)
def embedder() -> Embedder | None:
    """The one Embedder of this process, or None when wordllama's files are not installed
    (then the index gets no vectors and search is lexical only)."""
    try:
        import wordllama  # only to find its files: the package itself is not used
        from tokenizers import Tokenizer
    except ImportError:
        return None
    package = Path(wordllama.__file__).parent
    try:
        table = _read_table(package / _WEIGHTS)
        tokenizer = Tokenizer.from_file(str(package / _TOKENIZER))
    except Exception:  # a damaged install (tokenizers raises plain Exception): lexical only
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
    rows, dim = meta["shape"]
    start, end = meta["data_offsets"]
    if meta["dtype"] != "F16" or dim != DIM or end - start != rows * dim * 2:
        raise ValueError(f"unexpected token table {meta['dtype']} {meta['shape']}")
    return np.memmap(path, dtype=np.float16, mode="r", offset=8 + size + start, shape=(rows, dim))


def passage_text(title: str, headings: tuple[str, ...], body: str) -> str:
    """What a passage's vector is made from: its article's title, its headings, its text."""
    return " ".join(part for part in (title, " ".join(headings), body) if part)


def passage_vectors(title: str, passages) -> list[bytes | None]:
    """Each passage's vector as the index column stores it, or None for every passage when
    there is no model (the column's default, all zeros, then says "no vector")."""
    model = embedder()
    if model is None:
        return [None] * len(passages)
    rows = model.vectors([passage_text(title, p.headings, p.text) for p in passages])
    return [row.tobytes() for row in rows]
