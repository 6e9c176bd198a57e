"""Bytes to text: encodings, BOMs, binary detection, size limits; stable article ids."""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import stat
import unicodedata
from pathlib import Path

from briefing.settings import DEFAULT_MAX_BYTES

log = logging.getLogger(__name__)


_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"RIFF": "a RIFF media file (WebP/WAV/AVI)",
    b"PK\x03\x04": "a ZIP archive or office document",
    b"\x1f\x8b": "a gzip archive",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"{\\rtf": "an RTF document",
    b"SQLite format 3": "an SQLite database",
    b"ID3": "an MP3 audio file",
    b"OggS": "an Ogg media file",
}


_CONTROL_BYTES = bytes([*range(1, 9), 11, 12, *range(14, 27), *range(28, 32)])  # not \t \n \r ESC


# C0/C1 control characters other than tab and newline: never part of an article.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff\ufffe]")


# Text a reader cannot see but that changes what is shown: bidi embeddings, overrides, isolates
# and marks (a title that reads backwards), zero-width and invisible characters (words that look
# alike but do not match), soft hyphens, interlinear annotations and tag characters (hidden
# ASCII). And lone surrogates (`"\ud800"` in JSON): not text at all, and no UTF-8 writer takes
# them. Removed where text enters, so every later stage and every output is free of them.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)


def article_id(source: str, text: str) -> str:
    """Stable id: the same source and text always give the same id."""
    digest = hashlib.sha1(f"{source}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:12]


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252 (latin-1 for its five undefined bytes)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    out = "".join(
        bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1") for b in chunk
    )
    return out, exc.end


# Registered where it is used: decoding must not depend on another module being imported first.
codecs.register_error("briefing-cp1252", _cp1252_fallback)


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0900-\u0dff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one side of every pair (ASCII in UTF-16)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.02:
        return "utf-16-le"
    if even > 0.3 and odd < 0.02:
        return "utf-16-be"
    return None


def binary_kind(data: bytes) -> str | None:
    """A reason if the bytes are not text (known binary signature, many NUL bytes), else None."""
    for prefix, name in _BINARY_MAGIC.items():
        if data.startswith(prefix):
            return f"binary file ({name}), not text"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return None  # UTF-16 has NULs by design
    head = data[:65536]
    # A few stray NUL bytes (a bad copy, a CMS glitch) do not make a page binary; binary data is
    # full of them, and in runs.
    nuls = head.count(0)
    if nuls and (200 * nuls > len(head) or b"\x00" * 8 in head):
        return "binary file (contains NUL bytes), not text"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls >= 4 and controls / len(head) > 0.05:
        return "binary file (mostly control bytes), not text"
    return None


def _legacy_decode(data: bytes) -> str:
    """Bytes that are not UTF-8: cp1252 (the usual legacy encoding of Western news pages) unless
    charset-normalizer is confident the text is in a non-Latin script (Cyrillic, Greek, CJK, ...),
    where reading it as cp1252 would produce mojibake."""
    western = data.decode("cp1252", errors="briefing-cp1252")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:262144]).best()
    except Exception:  # detection only refines; cp1252 stays the answer
        best = None
    if best is not None:
        guess = str(best)
        letters = sum(ch.isalpha() for ch in guess) or 1
        if len(_NON_LATIN.findall(guess)) / letters > 0.5:
            try:
                return data.decode(best.encoding)
            except (LookupError, UnicodeDecodeError):
                return western
    return western


def decode_bytes(data: bytes) -> str:
    """Decode article bytes to text with `\\n` line ends and no control characters.

    BOMs first (UTF-8, UTF-16 LE/BE, UTF-32), then BOM-less UTF-16, then UTF-8 (a sequence cut at
    the end of the file is dropped; stray non-UTF-8 bytes in UTF-8 text are read as cp1252), then
    legacy encodings. Raises ValueError for binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="briefing-cp1252")
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = data.decode("utf-32", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif enc := _utf16_without_bom(data):
        text = data[: len(data) - len(data) % 2].decode(enc, errors="replace")
    else:
        reason = binary_kind(data)
        if reason:
            raise ValueError(reason)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            tail = len(data) - exc.start
            if exc.reason == "unexpected end of data" and tail <= 3:
                # A file cut inside its last multi-byte character: keep everything before it.
                text = data[: exc.start].decode("utf-8", errors="briefing-cp1252")
            elif _UTF8_MULTIBYTE.search(data):
                # UTF-8 text with a few stray legacy bytes (copy-paste between systems).
                text = data.decode("utf-8", errors="briefing-cp1252")
            else:
                text = _legacy_decode(data)
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """One line-end convention, NFC, no control characters, BOMs, invisible or bidi-control
    characters, or lone surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text.replace("\ufffd", "")))
    return unicodedata.normalize("NFC", text)


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, checking the size limit first; raises ValueError with a user-facing reason."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > max_bytes:
        raise ValueError(
            f"file is {_size(info.st_size)}, over the {_size(max_bytes)} size limit (--max-bytes)"
        )
    if info.st_size == 0:
        raise ValueError("empty file (0 bytes)")
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)  # the file may have grown since stat()
    if len(data) > max_bytes:
        raise ValueError(f"file is over the {_size(max_bytes)} size limit (--max-bytes)")
    return data


def _size(n: int) -> str:
    if n < 10 * 1024:
        return f"{n:,} bytes"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n:,} bytes"


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a file as text, raising ValueError with a user-facing reason."""
    text = decode_bytes(read_bytes(path, max_bytes))
    if not text.strip():
        raise ValueError("empty file (whitespace only)")
    return text
