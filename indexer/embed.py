"""Embed: a passage's meaning as a small vector, from static word vectors shipped in a wheel.

The vectors are wordllama 0.4's (`l2_supercat`, 256 dimensions: token embeddings taken
from Llama 2 and trained to be mean-pooled). Its wheel carries the token table (a 16 MB
safetensors file) and the tokenizer's configuration, so nothing is downloaded, ever. We
read the two files ourselves: wordllama's own loader looks for the tokenizer in a cache
folder and tries the network when it is not there, and its import pulls in pydantic and
requests. The table is memory-mapped with numpy; the tokenizer is loaded with
`tokenizers`, as wordllama itself does. (A hand-written Llama BPE over the vocabulary
gave the same tokens on all 12,539 NFCorpus and SciFact texts, but no less ingest CPU
or worker memory in a paired run, so the library stays.)

A text's vector is the mean of its tokens' vectors, L2-normalised, kept as float16
(512 bytes a passage). Its first PREFIX dimensions are a coarser vector of their own
(the model was trained so, "Matryoshka" style), kept too, renormalised (128 bytes): search
reads every passage's coarse vector to find candidates and only the candidates' full ones.
"""
from __future__ import annotations

import json
import struct
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


class Embedder:
    """Texts to unit vectors: tokenize, look up, mean-pool, normalise."""

    def __init__(self, table: np.ndarray, tokenizer):
        self._table = table
        self._tokenizer = tokenizer

    def vector(self, text: str) -> np.ndarray:
        """The text's unit vector (float32); all zeros for a text without tokens."""
        import numpy as np

        # Runs of white space say nothing of meaning (and line breaks are byte tokens).
        ids = self._tokenizer.encode(" ".join(text.split()), add_special_tokens=False).ids[:MAX_TOKENS]
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


@lru_cache(maxsize=1)
def embedder() -> Embedder | None:
    """The one Embedder of this process, or None when wordllama's files are not installed
    (then the index gets no vectors and search is lexical only)."""
    from importlib.util import find_spec

    # Only wordllama's files are used: its package is found, never imported.
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    try:
        from tokenizers import Tokenizer

        table = _read_table(package / _WEIGHTS)
        tokenizer = Tokenizer.from_file(str(package / _TOKENIZER))
    except ImportError:
        return None
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
    import numpy as np

    rows, dim = meta["shape"]
    start, end = meta["data_offsets"]
    if meta["dtype"] != "F16" or dim != DIM or end - start != rows * dim * 2:
        raise ValueError(f"unexpected token table {meta['dtype']} {meta['shape']}")
    return np.memmap(path, dtype=np.float16, mode="r", offset=8 + size + start, shape=(rows, dim))


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
