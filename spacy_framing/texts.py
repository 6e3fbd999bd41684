"""Turning stored article formats into one plain text, and checksumming it.

These functions define how gold files and corpus runs see a BASIL article, so they
are part of the gold contract: changing them invalidates gold offsets.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import Errors


def basil_text(article: Mapping[str, Any]) -> str:
    """One text from a BASIL article: sentences stripped and joined by one space within a
    paragraph, non-empty paragraphs joined by a blank line. The title is not included."""
    paragraphs: Sequence[Sequence[str]] = article.get("body-paragraphs") or []
    joined = (" ".join(s.strip() for s in para if s and s.strip()) for para in paragraphs)
    return "\n\n".join(p for p in joined if p)


def text_sha256(text: str) -> str:
    """Checksum gold files use to pin the exact text their offsets refer to."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# A news article is a few thousand words; 20 MB of text is far beyond any article and
# stops a mistaken path (a dump, a disk image) before it is read into memory.
MAX_FILE_BYTES = 20_000_000


class InputError(ValueError):
    """Input that cannot be used; ``str()`` is a one-line message naming the file."""

    def __init__(self, path: object, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


def _utf16(raw: bytes) -> str | None:
    """The text of UTF-16 bytes that start with a byte-order mark, else None.

    Windows editors save "Unicode" text as UTF-16 with a BOM; its ASCII characters carry
    NUL bytes, so without this check such a file would be called binary."""
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return raw.decode("utf-16")
    except UnicodeDecodeError:
        return None


def decode_text(raw: bytes, path: object, *, line: int | None = None,
                locate_line: bool = False) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM, rejecting binary and
    empty input.

    raw (bytes): The file's bytes.
    path (object): The file, named in error messages.
    line (int | None): The line the bytes come from, named in error messages.
    locate_line (bool): Name the line of an undecodable byte, for files read line by line
        (JSONL, CSV) where that line is the record to fix.
    RETURNS (str): The text, without its byte-order mark.
    """
    wide = _utf16(raw)
    if wide is not None:
        if not wide.strip():
            raise InputError(path, "is empty (no text to analyse)", line=line)
        return wide
    if b"\x00" in raw[:8192]:
        raise InputError(path, "looks like a binary file (contains NUL bytes), not text",
                         line=line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if locate_line and line is None:
            line = raw[: err.start].count(b"\n") + 1
        raise InputError(
            path, f"is not UTF-8 text (undecodable byte at offset {err.start}); "
            "convert it, e.g. `iconv -f latin1 -t utf-8`", line=line) from err
    if not text.strip():
        raise InputError(path, "is empty (no text to analyse)", line=line)
    return text


# Where an oversized input should go instead: analyze streams files of any size.
LARGE_INPUT_HINT = ("; for a corpus this large use `framing analyze INPUT --output DIR` "
                    "(it streams any size), then `framing compare --from DIR`")


def read_file_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES,
                    what: str = "one article", hint: str = "") -> bytes:
    """The bytes of one input file, with one-line errors for missing, unreadable or
    oversized files (checked before anything is read into memory).

    path (Path): The file.
    max_bytes (int): Size above which the file is refused unread.
    what (str): What the file is, for the size message.
    hint (str): Appended to the size message, e.g. :data:`LARGE_INPUT_HINT`.
    RETURNS (bytes): The file's content.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"is {size:,} bytes, more than the {max_bytes:,} allowed "
                             f"for {what}{hint}")
        return path.read_bytes()
    except FileNotFoundError as err:
        raise InputError(path, "no such file") from err
    except PermissionError as err:
        raise InputError(path, "permission denied") from err
    except IsADirectoryError as err:
        raise InputError(path, "is a directory, expected a text file") from err
    except OSError as err:
        raise InputError(path, Errors.E313.format(reason=err.strerror or err)) from err


def read_article(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES, hint: str = "") -> str:
    """Read one article from a text file, with one-line errors for unusable files.

    path (str | Path): The file.
    max_bytes (int): Size above which the file is refused unread.
    hint (str): Appended to the size message.
    RETURNS (str): The article's text.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a directory, expected a text file")
    return decode_text(read_file_bytes(path, max_bytes=max_bytes, hint=hint), path)
