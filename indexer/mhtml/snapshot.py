"""A single-file web page snapshot (MHTML) to the page it holds: its HTML decoded, its address.

Chrome's "Save as… Webpage, Single File" writes a MIME message (RFC 2557): a header
naming the page (`Snapshot-Content-Location`, `Subject`), then a `multipart/related`
body whose first `text/html` part is the page, quoted-printable (or base64), followed
by its style sheets, images and frames. The stdlib `email` parser reads it; the page's
charset comes from its part's header, else from the markup's own declaration.
"""
from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
from dataclasses import dataclass
from email.message import Message

from ..decode import declared_charset, decode
from ..errors import UnsupportedFormat


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The page a snapshot holds."""

    html: str
    #: Where the page was saved from (http or https), if the snapshot says.
    location: str | None = None
    #: The page title the snapshot's header carries.
    subject: str | None = None


def _web_address(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else None


def _page_part(message: Message) -> Message | None:
    """The HTML part that is the page: the one at the snapshot's address, else the first."""
    pages = [part for part in message.walk() if part.get_content_type() in ("text/html", "application/xhtml+xml")]
    if not pages:
        return None
    where = (message.get("Snapshot-Content-Location") or "").strip()
    return next((part for part in pages if where and (part.get("Content-Location") or "").strip() == where),
                pages[0])


def _subject(message: Message) -> str | None:
    raw = message.get("Subject")
    if not raw:
        return None
    try:  # "=?utf-8?Q?...?=" words, as Chrome writes a title that is not ASCII
        text = str(email.header.make_header(email.header.decode_header(raw)))
    except (UnicodeError, LookupError, email.errors.HeaderParseError):
        text = str(raw)
    return " ".join(text.split()) or None


def read_snapshot(data: bytes) -> Snapshot:
    """The page an MHTML file holds; UnsupportedFormat when it holds none."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.is_multipart() and message.get_content_type() != "text/html":
        raise UnsupportedFormat("not a web page snapshot (MHTML): no multipart/related body")
    part = _page_part(message)
    if part is None:
        raise UnsupportedFormat("MHTML holds no HTML page part")
    payload = part.get_payload(decode=True)  # undoes quoted-printable and base64
    if not isinstance(payload, bytes) or not payload.strip():
        raise UnsupportedFormat("MHTML page part is empty")
    charset = part.get_content_charset() or declared_charset(payload)
    location = _web_address(message.get("Snapshot-Content-Location")) or _web_address(part.get("Content-Location"))
    return Snapshot(decode(payload, charset), location, _subject(message))
