"""The rule schema shared by the rule components: typed records, named word lists, windows.

A rule file holds one JSON object per line; blank lines and lines starting with ``//`` are
comments. Besides rules, a file may define named word lists::

    {"lists": {"EMOTION_ADJECTIVES": ["angry", "furious", "irate"]}}

and a rule refers to one with ``"@NAME"``: as a whole value (``{"LEMMA": {"IN":
"@EMOTION_ADJECTIVES"}}``, ``"in_sentence": "@MILITARY_WORDS"``) or as an item of a list,
whose words are then spliced in place (``["@EMOTION_ADJECTIVES", "seething"]``). A list
may use lists defined before it, and a later definition may extend an earlier one of the
same name (``{"lists": {"EMOTION_ADJECTIVES": ["@EMOTION_ADJECTIVES", "seething"]}}``).
References are expanded when the file loads, so the components only ever see plain words.

A window in a context word sequence, ``ANY{m,n}``, stands for m to n arbitrary tokens
(``"whether ANY{1,4}"``: "whether" one to four tokens away), as medspaCy's ConText scope
does; it is expanded into the sequences it stands for when the file loads.

Every record is checked once, when it is read, against the component's
:class:`RuleSchema`; every error names the file (or the Python origin) and line.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import srsly

from ...errors import Errors
from ...types import PathLikeStr, Pattern

PACKAGE_DATA = "spacy_framing.data"
LISTS_KEY = "lists"
"""The key of a record that defines named word lists."""
LIST_REF = "@"
_LIST_NAME_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
_WINDOW_RE = re.compile(r"\bANY\{(\d+),(\d+)\}")
_MAX_WINDOW = 8


class RuleError(ValueError):
    """A rule record that cannot be used; the message names file and line."""


def package_data_path(name: str) -> Path:
    """Path of a file shipped in ``spacy_framing/data``.

    name (str): The file name, e.g. ``"devices.jsonl"``.
    RETURNS (Path): Its path inside the installed package.
    """
    return Path(str(resources.files(PACKAGE_DATA).joinpath(name)))


def string_list(value: Any, key: str, *, error: str) -> list[str]:
    """``value`` as a non-empty list of non-blank strings (a lone string is a list of one).

    value (Any): A record's value.
    key (str): The record key, for the message.
    error (str): The message (formatted with ``key``) of the ValueError raised otherwise.
    RETURNS (list[str]): The strings.
    """
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise ValueError(error.format(key=key))
    return value


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class RuleSchema:
    """What the records of one kind of rule file may hold (medspaCy ConText style).

    required / allowed: the keys a record must / may have; ``labels``: the labels a
    record's ``label`` may take (any when None); ``check``: the component's check of a
    key-valid record, returning why it cannot be used (or None); ``window_keys``: keys
    whose word sequences may hold ``ANY{m,n}`` windows; ``list_label``: the label of
    records that are themselves named lists (``{"label": "LIST", "id": NAME, "words":
    [...]}``, framing_sources), usable as ``@NAME`` too.
    """

    name: str
    required: tuple[str, ...]
    allowed: tuple[str, ...]
    labels: tuple[str, ...] | None = None
    check: Callable[[Mapping[str, Any]], str | None] | None = None
    window_keys: tuple[str, ...] = ()
    list_label: str | None = None
    _required: frozenset[str] = field(init=False, repr=False, compare=False)
    _allowed: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Checked for every record of a file: build the key sets once.
        object.__setattr__(self, "_required", frozenset(self.required))
        object.__setattr__(self, "_allowed", frozenset(self.allowed) | frozenset(self.required))

    def problem(self, record: Any) -> str | None:
        """Why ``record`` (references expanded) is not a valid rule, or None."""
        if not isinstance(record, Mapping):
            return f"expected a JSON object, got {type(record).__name__}"
        keys = record.keys()
        if not self._required <= keys:
            return f"missing key(s) {', '.join(sorted(self._required - keys))}"
        if not keys <= self._allowed:
            allowed = self._allowed
            unknown = sorted(keys - allowed)
            return (f"unknown key(s) {', '.join(unknown)}; allowed: "
                    f"{', '.join(sorted(allowed))}")
        if self.labels is not None and "label" in record and record["label"] not in self.labels:
            return (f"unknown label {record['label']!r}; expected one of "
                    f"{', '.join(sorted(self.labels))}")
        return self.check(record) if self.check is not None else None


class Rule(NamedTuple):
    """One validated rule record and where it was written (immutable).

    ``data`` is the record with list references and windows expanded, read-only;
    :meth:`to_dict` gives a plain copy, as a rule file or ``to_bytes`` holds it. A
    NamedTuple rather than a frozen dataclass: a pipeline builds thousands of them.
    """

    data: Mapping[str, Any]
    origin: str = "<patterns>"
    line: int = 0

    @classmethod
    def from_dict(cls, record: Any, *, schema: RuleSchema, lists: WordListTable | None = None,
                  origin: str = "<patterns>", line: int = 0, expand: bool = True) -> Rule:
        """Expand and validate one record.

        record (Any): The record as written (a JSON object).
        schema (RuleSchema): What the record may hold.
        lists (WordListTable | None): The named lists ``@NAME`` references resolve to.
        origin (str): The file or Python origin, for error messages.
        line (int): The record's line (or index), for error messages.
        expand (bool): False when the record surely holds no reference or window (its
            line has no "@" and no "ANY{"), which skips the walk through it.
        RETURNS (Rule): The validated rule.
        RAISES (RuleError): The record cannot be used; the message names origin and line.
        """
        if not expand and isinstance(record, dict):
            expanded = record
        else:
            try:
                expanded = _expand(record, lists if lists is not None else WordListTable(),
                                   schema.window_keys)
            except ValueError as err:
                raise RuleError(Errors.E001.format(path=origin, line=line, message=err)) \
                    from err
        problem = schema.problem(expanded)
        if problem:
            raise RuleError(Errors.E001.format(path=origin, line=line, message=problem))
        return cls(MappingProxyType(expanded), origin, line)

    def to_dict(self) -> Pattern:
        """The record as a plain dict (a deep copy: callers may change it)."""
        return json.loads(json.dumps(dict(self.data)))

    @property
    def id(self) -> str | None:
        return self.data.get("id")

    @property
    def label(self) -> str | None:
        return self.data.get("label")

    def error(self, message: object) -> RuleError:
        """A RuleError about this rule, naming its file and line."""
        text = str(message).strip().replace("\n", " ")
        return RuleError(Errors.E001.format(path=self.origin, line=self.line, message=text))


@dataclass
class WordListTable:
    """Named word lists: name -> words (a later definition of a name replaces the earlier
    one, which it may use as ``"@NAME"``)."""

    words: dict[str, list[str]] = field(default_factory=dict)

    def define(self, name: Any, value: Any) -> None:
        """Define (or redefine) list ``name``; ``value`` may use ``@NAME`` references,
        including to the list's own earlier definition."""
        if not isinstance(name, str) or not _LIST_NAME_RE.match(name):
            raise ValueError(f"list names are UPPER_SNAKE_CASE, got {name!r}")
        if not isinstance(value, list) or not value or not all(
                isinstance(word, str) and word for word in value):
            raise ValueError(f"list {name} must be a non-empty list of non-empty strings")
        self.words[name] = self.resolve_items(value)

    def resolve(self, reference: str) -> list[str]:
        name = reference[len(LIST_REF):]
        if name not in self.words:
            known = ", ".join(sorted(self.words)) or "none"
            raise ValueError(f"unknown word list {reference!r} (defined before here: {known})")
        return list(self.words[name])

    def resolve_items(self, items: Sequence[Any]) -> list[Any]:
        resolved: list[Any] = []
        for item in items:
            if _is_reference(item):
                resolved.extend(self.resolve(item))
            else:
                resolved.append(item)
        return resolved

    def copy(self) -> WordListTable:
        return WordListTable(dict(self.words))


def _plain_words(value: list[Any]) -> bool:
    """Whether ``value`` is a list of strings none of which starts with "@" (joining is
    the fast test: it runs in C and fails on anything but strings)."""
    try:
        joined = "\n".join(value)
    except TypeError:
        return False
    return LIST_REF not in joined or not any(item.startswith(LIST_REF) for item in value)


def _is_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(LIST_REF) \
        and _LIST_NAME_RE.match(value[len(LIST_REF):]) is not None


def _expand(value: Any, lists: WordListTable, window_keys: Sequence[str],
            key: str | None = None) -> Any:
    """``value`` with list references and (under ``window_keys``) windows expanded."""
    if _is_reference(value):
        value = lists.resolve(value)
    if isinstance(value, Mapping):
        return {name: _expand(item, lists, window_keys, name) for name, item in value.items()}
    if isinstance(value, list):
        if key not in window_keys and _plain_words(value):
            return list(value)  # a plain word list, the common case: nothing to expand
        items: list[Any] = []
        for item in lists.resolve_items(value):
            if isinstance(item, str):
                items.extend(expand_windows(item) if key in window_keys else [item])
            else:
                items.append(_expand(item, lists, window_keys, key))
        return items
    if key in window_keys and isinstance(value, str):
        variants = expand_windows(value)
        return variants if len(variants) > 1 else variants[0]
    return value


def expand_windows(text: Any) -> list[Any]:
    """The word sequences an ``ANY{m,n}`` window stands for ("if ANY{1,2}" -> "if ANY",
    "if ANY ANY"); other values unchanged.

    text (Any): A context word sequence.
    RETURNS (list[Any]): The sequences, shortest window first.
    """
    if not isinstance(text, str):
        return [text]
    found = _WINDOW_RE.search(text)
    if found is None:
        return [text]
    low, high = int(found.group(1)), int(found.group(2))
    if not 0 <= low <= high <= _MAX_WINDOW:
        raise ValueError(f"window ANY{{{low},{high}}} in {text!r}: need 0 <= m <= n <= "
                         f"{_MAX_WINDOW}")
    variants: list[str] = []
    for count in range(low, high + 1):
        replaced = text[:found.start()] + " ".join(["ANY"] * count) + text[found.end():]
        variants.extend(expand_windows(" ".join(replaced.split())))
    return [variant for variant in variants if variant]


# --------------------------------------------------------------------------- reading


def iter_records(path: PathLikeStr) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) of every record line of a rule file.

    path (PathLikeStr): A JSONL rule file.
    YIELDS (tuple[int, Any]): One pair per non-comment, non-blank line.
    RAISES (RuleError): The file cannot be read or a line is not JSON.
    """
    for line_no, record, _plain in _iter_lines(path):
        yield line_no, record


def _iter_lines(path: PathLikeStr) -> Iterator[tuple[int, Any, bool]]:
    """:func:`iter_records`, with whether each line surely needs no expansion."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RuleError(Errors.E004.format(path=path, message=err.strerror or str(err))) from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RuleError(Errors.E004.format(path=path, message="not UTF-8 text")) from err
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise RuleError(Errors.E001.format(
                path=path, line=line_no, message=f"invalid JSON ({err.msg})")) from err
        # Most lines hold no reference ("@NAME") or window ("ANY{m,n}"): checking the text
        # is far cheaper than walking the record.
        yield line_no, record, LIST_REF not in stripped and "ANY{" not in stripped


def _is_lists_record(record: Any) -> bool:
    return isinstance(record, Mapping) and set(record) == {LISTS_KEY}


def parse_records(located: Iterable[tuple[Any, str, int]], *, schema: RuleSchema,
                  lists: WordListTable | None = None) -> list[Rule]:
    """Validate records given with their origin and line, defining the named lists among
    them.

    Lists are defined in order (a definition may use the lists before it, its own earlier
    definition included); rules are expanded once all records are read, so a list file
    read after a rule file changes what those rules match.

    located (Iterable[tuple[Any, str, int]]): (record, origin, line) triples.
    schema (RuleSchema): What the records may hold.
    lists (WordListTable | None): The lists known before these records; extended in place.
    RETURNS (list[Rule]): The rules, in order, without the list definitions.
    RAISES (RuleError): A record or list cannot be used; the message names origin and line.
    """
    return _parse(((record, origin, line, True) for record, origin, line in located),
                  schema=schema, lists=lists)


def _parse(located: Iterable[tuple[Any, str, int, bool]], *, schema: RuleSchema,
           lists: WordListTable | None) -> list[Rule]:
    """:func:`parse_records` of (record, origin, line, needs expansion) quadruples."""
    table = lists if lists is not None else WordListTable()
    pending: list[tuple[Any, str, int, bool]] = []
    for record, origin, line, expand in located:
        try:
            if _is_lists_record(record):
                if not isinstance(record[LISTS_KEY], Mapping):
                    raise ValueError("'lists' maps list names to lists of words")
                for name, words in record[LISTS_KEY].items():
                    table.define(name, words)
                continue
        except ValueError as err:
            raise RuleError(Errors.E001.format(path=origin, line=line, message=err)) from err
        if schema.list_label is not None and isinstance(record, Mapping) \
                and record.get("label") == schema.list_label:
            # A LIST rule (framing_sources) is a list too; the schema's check of its record
            # below says what is wrong with a bad one.
            with contextlib.suppress(ValueError):
                table.define(record.get("id"), record.get("words"))
        pending.append((record, origin, line, expand))
    return [Rule.from_dict(record, schema=schema, lists=table, origin=origin, line=line,
                           expand=expand)
            for record, origin, line, expand in pending]


def read_rule_file(path: PathLikeStr | Sequence[PathLikeStr], *, schema: RuleSchema,
                   lists: WordListTable | None = None) -> list[Rule]:
    """Read and validate a JSONL rule file, or several read as one (their named lists are
    shared).

    path (PathLikeStr | Sequence[PathLikeStr]): The file or files.
    schema (RuleSchema): What their records may hold.
    lists (WordListTable | None): Lists defined before these files; extended in place
        with their own.
    RETURNS (list[Rule]): The rules in file order, each with its file and line.
    RAISES (RuleError): A record cannot be used; the message names file and line.
    """
    paths = [Path(path)] if isinstance(path, str | PathLike) else [Path(p) for p in path]
    cache_key = _cache_key(paths, schema) if lists is None or not lists.words else None
    if cache_key is not None and cache_key in _BUNDLED_CACHE:
        rules, words = _BUNDLED_CACHE[cache_key]
        if lists is not None:
            lists.words.update((name, list(value)) for name, value in words.items())
        return list(rules)
    table = lists if lists is not None else WordListTable()
    located = ((record, str(file), line, not plain) for file in paths
               for line, record, plain in _iter_lines(file))
    parsed = _parse(located, schema=schema, lists=table)
    if cache_key is not None:
        _BUNDLED_CACHE[cache_key] = (tuple(parsed), {name: list(value)
                                                     for name, value in table.words.items()})
    return parsed


# The bundled files are read by every component a pipeline builds; they are package data,
# so their parsed rules are kept (keyed by file, size and modification time, and schema).
# Rules are read-only: components copy records before changing them, and their
# ``patterns`` are deep copies.
_BUNDLED_CACHE: dict[tuple[Any, ...], tuple[tuple[Rule, ...], dict[str, list[str]]]] = {}


def _cache_key(paths: Sequence[Path], schema: RuleSchema) -> tuple[Any, ...] | None:
    data_dir = package_data_path("")
    key: list[Any] = [schema]
    for path in paths:
        if path.parent != data_dir:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        key.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(key)


def copy_records(records: Iterable[Mapping[str, Any]]) -> list[Pattern]:
    """Deep copies of ``records`` (JSON data), for callers that may change them.

    records (Iterable[Mapping[str, Any]]): Rule records.
    RETURNS (list[Pattern]): Plain dicts sharing nothing with ``records``.
    """
    return srsly.json_loads(srsly.json_dumps([dict(record) for record in records]))


def rules_from_dicts(records: Iterable[Any], *, schema: RuleSchema, origin: str,
                     lists: WordListTable | None = None) -> list[Rule]:
    """Validate records given in Python (``add_patterns``); errors name the index.

    records (Iterable[Any]): The records (dicts; ``{"lists": {...}}`` defines lists).
    schema (RuleSchema): What they may hold.
    origin (str): Where they came from, for error messages.
    lists (WordListTable | None): The lists references may use; extended in place.
    RETURNS (list[Rule]): The rules.
    RAISES (RuleError): A record cannot be used.
    """
    return parse_records(((record, origin, index) for index, record in enumerate(records)),
                         schema=schema, lists=lists)


def write_rule_file(path: PathLikeStr, records: Iterable[Pattern]) -> None:
    """Write ``records`` as a JSONL rule file (one record a line, UTF-8)."""
    with Path(path).open("w", encoding="utf-8") as file:
        for record in records:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
