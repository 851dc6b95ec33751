"""Fetch one web page over HTTP(S) within limits: a deadline, a size cap, a media type.

A server decides how fast it answers, how much it sends and where it redirects, so
each is bounded here:

- one deadline for the whole fetch (connect, redirects, headers, body), enforced on
  every read: a server that drips one byte every few seconds still ends, because each
  read may only wait for what is left of the deadline (a per-read timeout alone never
  fires on a drip);
- at most `max_bytes`, refused early by Content-Length and cut off while reading;
- only the media types asked for, checked before the body is read;
- redirects only to http(s), at most five: a page must not make us read file:// or ftp://;
- a malformed URL (spaces, control characters, a broken IPv6 literal, a bad port) is
  refused before any connection.

Every failure becomes a SourceNotFound or UnsupportedFormat with a one-line reason.
urllib is kept (not raw http.client) so proxies from the environment still work.
"""
from __future__ import annotations

import http.client
import io
import re
import socket
import string
import time
import urllib.error
import urllib.parse
import urllib.request

from .errors import CorpusError, SourceNotFound, UnsupportedFormat

MAX_REDIRECTS = 5
_SCHEMES = ("http", "https")
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f]")
# Percent-encode only what is not printable ASCII: the user's own escapes stay as they are.
_SAFE = "".join(c for c in string.printable if not c.isspace())


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes, each read allowed only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline: float, read_timeout: float, limit: float):
        self._sock, self._deadline, self._read_timeout, self._limit = sock, deadline, read_timeout, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"took longer than {self._limit:g} s")
        self._sock.settimeout(min(left, self._read_timeout))
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            if time.monotonic() >= self._deadline:
                raise TimeoutError(f"took longer than {self._limit:g} s") from None
            raise TimeoutError(f"no data for {self._read_timeout:g} s") from None


class _Response(http.client.HTTPResponse):
    def __init__(self, sock, *args, deadline: float, read_timeout: float, limit: float, **kwargs):
        super().__init__(sock, *args, **kwargs)
        # Reads go through the deadline. The socket file http.client made stays open until
        # close(): closing it now would let the connection close the socket under us.
        self._socket_file = self.fp
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, read_timeout, limit))

    def close(self) -> None:
        super().close()
        self._socket_file.close()


def _connection_class(base: type[http.client.HTTPConnection], deadline: float, read_timeout: float,
                      limit: float) -> type[http.client.HTTPConnection]:
    class Connection(base):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            # Connecting (and a TLS handshake) may only use what is left of the deadline.
            self.timeout = max(0.001, min(read_timeout, deadline - time.monotonic()))
            super().connect()

        def response_class(self, sock, *args, **kwargs):  # noqa: D401 - http.client's hook
            return _Response(sock, *args, deadline=deadline, read_timeout=read_timeout, limit=limit, **kwargs)

    return Connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, connection: type[http.client.HTTPConnection]):
        super().__init__()
        self._connection = connection

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, connection: type[http.client.HTTPSConnection]):
        super().__init__()
        self._connection = connection

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        try:
            location = headers.get("location") or headers.get("uri")
            if location:
                try:
                    target = urllib.parse.urljoin(req.full_url, location)
                    scheme = urllib.parse.urlsplit(target).scheme.lower()
                except ValueError as exc:
                    raise SourceNotFound(f"refused a redirect to a malformed URL ({exc})") from None
                if scheme not in _SCHEMES:
                    raise SourceNotFound(f"refused a redirect to {_shown(target)} "
                                         "(only http and https are followed)")
            return super().http_error_302(req, fp, code, msg, headers)
        except CorpusError:
            fp.close()
            raise

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return super().redirect_request(req, fp, code, msg, headers, normalise(newurl))


def normalise(url: str) -> str:
    """The URL as sent: checked, host in IDNA, non-ASCII path and query percent-encoded.

    SourceNotFound for anything that is not a well-formed http(s) URL.
    """
    if _FORBIDDEN.search(url):
        raise SourceNotFound("malformed URL (it holds spaces or control characters)")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError for a port that is not a number in range
        host = parts.hostname
    except ValueError as exc:
        raise SourceNotFound(f"malformed URL ({exc})") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise SourceNotFound("malformed URL (only http and https are fetched)")
    if not host:
        raise SourceNotFound("malformed URL (no host)")
    if ":" not in host:  # not an IPv6 literal
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise SourceNotFound("malformed URL (bad host name)") from None
    else:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    if parts.username or parts.password:
        raise SourceNotFound("malformed URL (user names and passwords in URLs are not sent)")
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, urllib.parse.quote(parts.path, safe=_SAFE),
                                    urllib.parse.quote(parts.query, safe=_SAFE), ""))


def _shown(url: str) -> str:
    """A URL for an error line: control characters escaped, long ones cut."""
    url = url.encode("unicode_escape").decode("ascii")
    return url if len(url) <= 200 else url[:200] + "..."


def get(url: str, *, deadline: float, read_timeout: float, max_bytes: int,
        media_types: frozenset[str]) -> tuple[bytes, str | None, str]:
    """GET a URL within the limits: (body, declared charset, media type)."""
    target = normalise(url)
    end = time.monotonic() + deadline
    http_conn = _connection_class(http.client.HTTPConnection, end, read_timeout, deadline)
    https_conn = _connection_class(http.client.HTTPSConnection, end, read_timeout, deadline)
    # Only these handlers: no file://, ftp:// or data: handler to be redirected into.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), _HTTPHandler(http_conn), _HTTPSHandler(https_conn),
                    _RedirectHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    request = urllib.request.Request(target, headers={"User-Agent": "corpus-search/0.1",
                                                      "Accept-Encoding": "identity"})
    too_big = f"page is larger than {max_bytes // 2**20} MiB"
    try:
        with opener.open(request, timeout=read_timeout) as response:
            media = response.headers.get_content_type()
            if media not in media_types:
                raise UnsupportedFormat(f"not a page corpus-search reads (content type {_shown(media)})")
            length = response.headers.get("Content-Length", "").strip()
            expected = int(length) if length.isdigit() and len(length) < 20 else None
            if expected is not None and expected > max_bytes:
                raise UnsupportedFormat(too_big)
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise UnsupportedFormat(too_big)
            if expected is not None and len(data) < expected:
                # http.client returns a cut-off body without complaint; half a page is not the page.
                raise SourceNotFound(f"cannot fetch: the page ended early ({len(data)} of {expected} bytes)")
            return data, response.headers.get_content_charset(), media
    except urllib.error.HTTPError as exc:
        exc.close()
        raise SourceNotFound(f"HTTP {exc.code} {_shown(str(exc.reason))}") from None
    except urllib.error.URLError as exc:
        raise SourceNotFound(f"cannot fetch: {_shown(str(exc.reason))}") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # Timeouts, resets, TLS errors, a malformed status line or header, a short body.
        reason = str(exc) or type(exc).__name__
        raise SourceNotFound(f"cannot fetch: {_shown(reason)}") from None
