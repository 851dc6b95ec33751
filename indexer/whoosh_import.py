"""Import Whoosh without the two modules it imports and never uses.

whoosh.compat imports urllib.request for one name, urlretrieve, that Whoosh never calls
(urllib.request brings http.client, email and ssl with it), and whoosh.reading imports
the `cached_property` package, which imports asyncio, for one property (a segment's
deleted documents) that the standard library's functools.cached_property computes and
caches the same way. The two cost ~40 ms of the ~65 ms that importing Whoosh takes,
on every command that opens an index. So those two Whoosh modules are imported with
stand-ins in sys.modules for that moment only: whoosh.compat gets a urlretrieve that
imports the real one if it is ever called, and whoosh.reading gets functools's
cached_property. The stand-ins are taken out straight after, so any later import of
urllib.request or cached_property gets the real module.

Call `import_whoosh()` before a module's first `import whoosh...`; it runs once. It
swaps sys.modules entries, so it belongs at import time, before any thread starts.
"""
from __future__ import annotations

import functools
import sys
import types


def _urlretrieve(*args, **kwargs):
    """urllib.request.urlretrieve, imported when called."""
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def import_whoosh() -> None:
    """Import whoosh.compat and whoosh.reading (and what they import) without urllib.request
    and asyncio; a no-op once whoosh.reading is imported."""
    if "whoosh.reading" in sys.modules:
        return
    stand_ins = {}
    if "urllib.request" not in sys.modules and "whoosh.compat" not in sys.modules:
        stand_ins["urllib.request"] = types.ModuleType("urllib.request")
        stand_ins["urllib.request"].urlretrieve = _urlretrieve
    if "cached_property" not in sys.modules:
        stand_ins["cached_property"] = types.ModuleType("cached_property")
        stand_ins["cached_property"].cached_property = functools.cached_property
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
