"""The network under the web fetcher: one deadline for a whole download, private addresses
refused where the connection is made, and Content-Encoding decoded within the size limit.

httpx's timeout is per read, so a server that sends one byte a second never trips it; here every
connect, TLS handshake, read and write gets what is left of one deadline per download. The
address check runs on the addresses a host name resolves to, at connect time, for every
redirect hop, and the connection goes to the address checked (a second lookup cannot swap in a
private one). Decompression is streamed in pieces of 64 KB through every layer of a stacked
`Content-Encoding: gzip, gzip`, and stops as soon as the output passes the size limit: a bomb of
a few kilobytes costs a few hundred kilobytes of memory, not gigabytes.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator

import httpcore
import httpx

from briefing.read.decode import _size

PIECE = 64 * 1024  # most bytes one decompression step may produce


MAX_LAYERS = 3  # Content-Encoding layers decoded; more is an attack, not a server


class FetchError(Exception):
    """One URL could not be fetched; the message is the user-facing reason."""


class TooLarge(FetchError):
    """The response is over the size limit (on the wire, or `how` = once decompressed)."""

    def __init__(self, max_bytes: int, how: str = "") -> None:
        self.max_bytes, self.how = max_bytes, how
        super().__init__(f"response is over the {_size(max_bytes)} size limit{how}")


class Refused(FetchError):
    """The target is a private, loopback or link-local address and those are not allowed."""


def _embedded_v4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if addr.ipv4_mapped or addr.sixtofour:
        return addr.ipv4_mapped or addr.sixtofour
    if addr.teredo:
        return addr.teredo[1]
    if addr in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def address_kind(ip: str) -> str:
    """"" for a public address, else what it is ("loopback", "private", "link-local", ...)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and (inner := _embedded_v4(addr)) is not None:
        kind = address_kind(str(inner))
        if kind:
            return kind
    for kind, flag in (("loopback", addr.is_loopback), ("link-local", addr.is_link_local),
                       ("multicast", addr.is_multicast), ("unspecified", addr.is_unspecified),
                       ("private", addr.is_private)):
        if flag:
            return kind
    return "" if addr.is_global else "non-public"


class Clock:
    """The deadline of the download in progress on this thread (none: no limit)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def start(self, seconds: float) -> None:
        self._local.deadline = time.monotonic() + seconds

    def stop(self) -> None:
        self._local.deadline = None

    def left(self, timeout: float | None, error: type[Exception] = httpcore.ReadTimeout) -> float | None:
        """The timeout for one step: what the caller asked, never more than is left."""
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise error("the download's deadline passed")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose every step is bounded by the clock's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, clock: Clock) -> None:
        self._inner, self._clock = inner, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._clock.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._clock.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        left = self._clock.left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, left), self._clock)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Connections that keep to the deadline and, unless allowed, to public addresses."""

    def __init__(self, clock: Clock, allow_private: bool, hint: str = "") -> None:
        self.clock, self.allow_private, self.hint = clock, allow_private, hint

    def _addresses(self, host: str, port: int) -> list[tuple]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host} ({exc})") from None
        if self.allow_private:
            return infos
        allowed = [i for i in infos if not address_kind(i[4][0])]
        if not allowed:
            ip = infos[0][4][0]
            what = ip if host.strip("[]") == ip else f"{host} ({ip})"
            hint = f" (allow with {self.hint})" if self.hint else ""
            raise Refused(f"refused: {what} is a {address_kind(ip)} address{hint}")
        return allowed

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        """Connect to an address checked here (not to the name: a second lookup could answer
        differently), within what is left of the deadline."""
        error: Exception = httpcore.ConnectError(f"cannot connect to {host}")
        for info in self._addresses(host, port):
            left = self.clock.left(timeout, httpcore.ConnectTimeout)
            try:
                stream = super().connect_tcp(info[4][0], port, left, local_address, socket_options)
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _Stream(stream, self.clock)
        raise error


def guarded_transport(clock: Clock, allow_private: bool, hint: str = "") -> httpx.HTTPTransport:
    """httpx's own transport on a pool that connects through the guarded backend."""
    transport = httpx.HTTPTransport()
    # httpx does not take a network backend; its pool does. The pool is rebuilt with one.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=GuardedBackend(clock, allow_private, hint))
    return transport


def _codings(headers: httpx.Headers) -> list[str]:
    """Content-Encoding layers in the order they were applied (identity left out)."""
    codings = [c.strip().lower() for h in headers.get_list("content-encoding") for c in h.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > MAX_LAYERS:
        raise FetchError(f"Content-Encoding of {len(codings)} layers ({', '.join(codings)}); "
                         f"at most {MAX_LAYERS} are decoded")
    for coding in codings:
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported Content-Encoding {coding!r}")
    return codings


def _wbits(coding: str, head: bytes) -> int:
    if coding != "deflate":
        return 16 + zlib.MAX_WBITS
    zlib_header = len(head) < 2 or ((head[0] & 0x0F) == 8 and ((head[0] << 8) | head[1]) % 31 == 0)
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS  # some servers send raw deflate


def _drain(decoder, data: bytes) -> Iterator[bytes]:
    """Everything `data` decodes to, PIECE bytes at a time (zlib may hold output back even when
    it has taken all the input: asked again with nothing, it gives the rest)."""
    while True:
        out = decoder.decompress(data, PIECE)
        if out:
            yield out
        data = decoder.unconsumed_tail
        if decoder.eof or (not data and len(out) < PIECE):
            return


def _inflate(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """One layer, decoded lazily in pieces of at most PIECE bytes."""
    decoder = None
    done = False
    for chunk in chunks:
        data = chunk
        while data and not done:
            if decoder is None:
                decoder = zlib.decompressobj(_wbits(coding, data))
            yield from _drain(decoder, data)
            data = b""
            if decoder.eof:  # gzip may hold several members in a row; anything else is ignored
                rest = decoder.unused_data
                if coding != "deflate" and rest.startswith(b"\x1f\x8b"):
                    data, decoder = rest, None
                else:
                    done = True
    if decoder is not None and not decoder.eof:
        yield decoder.flush()  # a stream cut short: what it held so far


def _limited(chunks: Iterable[bytes], max_bytes: int, how: str = "") -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(max_bytes, how)
        yield chunk


def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The response body, decoded, raising TooLarge as soon as the bytes on the wire or the
    bytes decoded pass `max_bytes`."""
    codings = _codings(response.headers)
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise TooLarge(max_bytes)
    stream: Iterable[bytes] = _limited(response.iter_raw(), max_bytes)
    for coding in reversed(codings):
        stream = _inflate(stream, coding)
    how = f" once decompressed (Content-Encoding: {', '.join(codings)})"
    try:
        return b"".join(_limited(stream, max_bytes, how))
    except zlib.error as exc:
        raise FetchError(f"cannot decode Content-Encoding {', '.join(codings)} ({exc})") from None
