"""The one build step beyond setuptools' own: the word vectors that indexer/embed.py reads.

wordllama's wheel carries them (a 16 MB token table and its tokenizer's vocabulary), but
depending on wordllama installs pydantic, tokenizers, a hub client, an HTTP stack and
safetensors with it, and corpus-search imports none of them. So wordllama is a build
requirement (pyproject.toml): pip installs it, dependencies and all, in the throwaway
build environment only, and this step copies its two files and its licence into the
package (indexer/vectors/), byte for byte. The repository holds no copy of the vectors.

An editable install (`pip install -e .`) reads them from wordllama itself, which the
`test` extra installs.
"""
from __future__ import annotations

import shutil
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: The version whose vectors the index's vector column is named after (indexer/embed.py).
WORDLLAMA = "0.4.0.post1"
#: The files copied, as paths inside the wordllama package (and inside indexer/vectors/).
FILES = ("weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json")


class BuildWithVectors(build_py):
    """build_py, then wordllama's two files and its licence into indexer/vectors/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        spec = find_spec("wordllama")  # found, not imported: its import pulls in pydantic
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"building corpus-search needs wordllama=={WORDLLAMA} (a build requirement)")
        if metadata.version("wordllama") != WORDLLAMA:
            raise SystemExit(f"building corpus-search needs wordllama=={WORDLLAMA}, "
                             f"not {metadata.version('wordllama')}")
        source = Path(next(iter(spec.submodule_search_locations)))
        target = Path(self.build_lib) / "indexer" / "vectors"
        for name in FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target / name)
        licence = metadata.distribution("wordllama")
        text = licence.read_text("licenses/LICENSE") or licence.read_text("LICENSE")
        if not text:
            raise SystemExit("wordllama's licence file was not found; it must ship with its vectors")
        (target / "LICENSE-wordllama.txt").write_text(
            f"indexer/vectors/ holds files of wordllama {WORDLLAMA} (https://github.com/dleemiller/WordLlama), "
            "copied unchanged when this package was built:\n"
            + "".join(f"  {name}\n" for name in FILES)
            + "Their token vectors were trained from the token embeddings of Llama 2 70B and other models "
              "that share its tokenizer, whose vocabulary the configuration holds. Llama 2 is licensed "
              "under the LLAMA 2 Community License, Copyright (c) Meta Platforms, Inc. All Rights "
              "Reserved.\n\nwordllama's licence:\n\n" + text,
            encoding="utf-8")


setup(cmdclass={"build_py": BuildWithVectors})
