"""MHTML: a browser's single-file page snapshot (.mhtml, .mht) in, its article out.

    snapshot     the MIME message read: the page's HTML part decoded, where it was saved from
    clean_mhtml  that HTML cleaned by the HTML cleaner; the saved-from address is the URL
"""
from __future__ import annotations

from dataclasses import replace

from ..models import Cleaned
from .snapshot import Snapshot, read_snapshot

__all__ = ["Snapshot", "clean_mhtml", "read_snapshot"]


def clean_mhtml(data: bytes, url: str | None = None) -> Cleaned:
    """Clean a snapshot's page; `url`, when the user gave one, wins over where it was saved from."""
    from ..html import clean_html

    snapshot = read_snapshot(data)
    address = url or snapshot.location
    cleaned = clean_html(snapshot.html, address)
    metadata = cleaned.metadata
    # The address the browser saved the page from is the article's, not a canonical link it names.
    metadata = replace(metadata, url=address or metadata.url, title=metadata.title or snapshot.subject)
    return replace(cleaned, metadata=metadata)
