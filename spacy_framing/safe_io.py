"""Writing reports without losing data, and showing untrusted text on a terminal.

``framing compare -o`` and ``framing tag -o`` write through :func:`write_report`: it
refuses to overwrite an input or (without ``force``) any existing file, and writes to a
temporary file renamed into place, so that an interrupted write never leaves half a
report under the final name.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .texts import InputError

# The report format a file name asks for when --format is not given.
SUFFIX_FORMATS: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".txt": "text",
}

# Escape sequences: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ST), other
# two-byte ESC sequences, and the 8-bit CSI/OSC introducers.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_SGR_MARK = "\ue000"


def format_for(output: Path | None, requested: str | None, *, choices: Iterable[str],
               default: str = "text") -> str:
    """The report format: the one requested, else the one the output's suffix names.

    output (Path | None): The ``--output`` file, if any.
    requested (str | None): The ``--format`` given, or None.
    choices (Iterable[str]): Formats the command can write.
    default (str): Format when neither says.
    RETURNS (str): One of ``choices``.
    """
    if requested is not None:
        return requested
    if output is not None:
        found = SUFFIX_FORMATS.get(output.suffix.lower())
        if found in set(choices):
            return found
    return default


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_output(output: Path, *, inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Refuse an ``--output`` that is one of the inputs, a folder, or (unless ``force``)
    an existing file; checked before any work so that a refusal costs nothing.

    output (Path): The file to write.
    inputs (Iterable[Path]): Files and folders read by the command; a folder stands for
        the files in it.
    force (bool): Allow replacing an existing file that is not an input.
    """
    if output.is_dir():
        raise InputError(output, "is a folder; --output needs a file name")
    if not output.exists():
        return
    for item in inputs:
        candidates = [item]
        if item.is_dir():
            candidates = [child for child in item.iterdir() if child.is_file()]
        for candidate in candidates:
            if candidate.exists() and _same_file(candidate, output):
                raise InputError(output, f"is an input of this command ({candidate}); "
                                 "writing the report there would destroy it: choose "
                                 "another --output")
    if not force:
        raise InputError(output, "already exists; pass --force to replace it, or choose "
                         "another --output")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it into
    place: readers see the old file or the whole new one, never a partial write.

    path (Path): The final file.
    text (str): What to write.
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        # Closed below, after the rename decision; a with-block would close it too early.
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", encoding="utf-8", newline="", dir=directory, prefix=f".{path.name}.",
            suffix=".tmp", delete=False)
    except OSError as err:
        raise InputError(path, f"cannot write the report ({err.strerror or err})") from err
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # Keep the permissions of the file being replaced, not mkstemp's 0600.
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise InputError(path, f"cannot write the report ({err.strerror or err})") from err
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def terminal_text(text: str, *, keep_styles: bool = False) -> str:
    """``text`` safe to print on a terminal: escape sequences and control characters
    (other than newline and tab) removed, so that an article cannot move the cursor,
    retitle the window or write to the clipboard.

    text (str): Text that may hold untrusted content.
    keep_styles (bool): Keep SGR sequences (colours, bold), for text this package
        styled itself; anything else is still removed.
    RETURNS (str): The cleaned text.
    """
    if not _CONTROLS.search(text):
        return text
    if keep_styles:
        styles: list[str] = []

        def mark(match: re.Match[str]) -> str:
            styles.append(match.group(0))
            return _SGR_MARK

        text = _SGR.sub(mark, text.replace(_SGR_MARK, ""))
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
        found = iter(styles)
        return re.sub(_SGR_MARK, lambda _: next(found), text)
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
