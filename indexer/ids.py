"""Article ids and stored file names: the rule that keeps two sources from sharing one.

An article's id is unique per source. A file's source is its absolute path, a URL's is
the URL, and a JSON Lines record names its own id. The id a file gets by default is the
slug of its name (`Notes/Index.html` -> `index`); when another source already holds that,
it is `<folder>-<name>` (`notes-index`), and then that with `-2`, `-3`, ... A URL's
default is the slug of the URL without its scheme, then with `-2`, `-3`, ...

Stored file names follow from ids and never collide: an id that is a safe file name is
used as it is; any other id becomes its slug, a `~` (which no safe name holds) and a hash
of the id, so `"x y"` and `"x-y-887fcea6"` stay two files.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import PurePath

from .load import is_url, slugify

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
#: How many numbered ids are tried before giving up on a readable one.
_MAX_SUFFIX = 10_000


def default_id(source: str) -> str:
    """The id a source gets when nothing else holds it."""
    if is_url(source):
        return slugify(re.sub(r"^https?://", "", source.rstrip("/"), flags=re.I))
    return slugify(PurePath(source).stem)


def numbering_base(source: str) -> str:
    """The id that numbered ids of a source are made from (`<base>-2`, `<base>-3`, ...)."""
    first = default_id(source)
    if is_url(source):
        return first
    parent = PurePath(source).parent.name
    return slugify(f"{parent}-{PurePath(source).stem}") if parent else first


def candidates(source: str, start: int = 2) -> Iterator[str]:
    """The ids a source may take, in order of preference. `start` skips the numbered ids
    below it (a caller that knows them all taken: 2,000 `site/index.html` files would
    otherwise try 2,000 x 2,000 / 2 ids)."""
    first = default_id(source)
    yield first
    base = numbering_base(source)
    if base != first:
        yield base
    for number in range(max(start, 2), _MAX_SUFFIX):
        yield f"{base}-{number}"
    yield f"{base}-{hashlib.sha256(source.encode()).hexdigest()[:12]}"


def number_of(article_id: str, base: str) -> int | None:
    """The number of a numbered id of `base`, if it is one."""
    tail = article_id[len(base) + 1:] if article_id.startswith(f"{base}-") else ""
    return int(tail) if tail.isdigit() and len(tail) < 6 else None


def file_stem(article_id: str, hashed: bool = False) -> str:
    """The stored file name (without extension) for an id.

    `hashed` asks for the hashed form even for a safe id: used when the plain name is
    taken by another id on a file system that ignores case.
    """
    if not hashed and _SAFE_NAME.match(article_id):
        return article_id
    return f"{slugify(article_id)[:80]}~{hashlib.sha256(article_id.encode()).hexdigest()[:16]}"
