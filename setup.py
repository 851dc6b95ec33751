"""The one build step beyond setuptools' own: the word vectors that indexer/embed.py reads.

wordllama's wheel carries them (a 16 MB token table and its tokenizer's configuration),
but depending on wordllama installs pydantic, tokenizers, a hub client, an HTTP stack and
safetensors with it, and corpus-search imports none of them. So building the package
copies the two files, checked against their SHA-256, and wordllama's licence into
indexer/vectors/, from
  - an installed wordllama of the pinned version, where the build environment has one
    (a build without isolation, as the wheel test's; a developer's environment), else
  - its wheel, fetched by pip without its dependencies (pip is a build requirement).
The repository holds no copy of the vectors. An editable install (`pip install -e .`)
reads them from wordllama itself, which the `test` extra installs.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: The version whose vectors the index's vector column is named after (indexer/embed.py).
WORDLLAMA = "0.4.0.post1"
#: The files copied, as paths inside the wordllama package (and inside indexer/vectors/).
FILES = {
    "weights/l2_supercat_256.safetensors": "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    "tokenizers/l2_supercat_tokenizer_config.json": "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
}
#: Any of its wheels holds the same two files: this one is fetched whatever the platform.
WHEEL_PLATFORM = ("--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp")
NOTICE = (f"indexer/vectors/ holds files of wordllama {WORDLLAMA} (https://github.com/dleemiller/WordLlama), "
          "copied unchanged when this package was built:\n" + "".join(f"  {name}\n" for name in FILES)
          + "Their token vectors were trained from the token embeddings of Llama 2 70B and other models that "
            "share its tokenizer, whose vocabulary the configuration holds. Llama 2 is licensed under the "
            "LLAMA 2 Community License, Copyright (c) Meta Platforms, Inc. All Rights Reserved.\n\n"
            "wordllama's licence:\n\n")


def _installed() -> dict[str, bytes] | None:
    """The files and licence of an installed wordllama of the pinned version (found, not
    imported: its import pulls in pydantic), or None."""
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations or metadata.version("wordllama") != WORDLLAMA:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    found = {name: (package / name).read_bytes() for name in FILES}
    dist = metadata.distribution("wordllama")
    found["LICENSE"] = (dist.read_text("licenses/LICENSE") or dist.read_text("LICENSE") or "").encode()
    return found


def _fetched() -> dict[str, bytes]:
    """The files and licence from wordllama's wheel, fetched by pip without dependencies."""
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                               *WHEEL_PLATFORM, "-q", "-d", folder, f"wordllama=={WORDLLAMA}"],
                              capture_output=True, text=True)
        wheels = list(Path(folder).glob("wordllama-*.whl"))
        if done.returncode != 0 or not wheels:
            raise SystemExit(f"building corpus-search needs wordllama {WORDLLAMA}'s wheel for its word vectors, "
                             f"and pip could not fetch it:\n{done.stderr.strip()}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            found = {name: wheel.read(f"wordllama/{name}") for name in FILES}
            found["LICENSE"] = wheel.read(f"wordllama-{WORDLLAMA}.dist-info/licenses/LICENSE")
    return found


class BuildWithVectors(build_py):
    """build_py, then wordllama's two files and its licence into indexer/vectors/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        found = _installed() or _fetched()
        target = Path(self.build_lib) / "indexer" / "vectors"
        for name, sha256 in FILES.items():
            if hashlib.sha256(found[name]).hexdigest() != sha256:
                raise SystemExit(f"wordllama {WORDLLAMA}'s {name} is not the file corpus-search was made with")
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(found[name])
        if not found["LICENSE"].strip():
            raise SystemExit("wordllama's licence was not found; it must ship with its vectors")
        (target / "LICENSE-wordllama.txt").write_bytes(NOTICE.encode() + found["LICENSE"])


setup(cmdclass={"build_py": BuildWithVectors})
