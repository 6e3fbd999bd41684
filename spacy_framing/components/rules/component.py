"""``RuleComponent``: the base of the rule components (settings, rule loading, serialization).

A component declares its settings (``settings``: the attributes written to ``cfg``) and its
rule sets (``rule_sets``: the records serialized under each key, with their schema), and
implements two hooks: :meth:`RuleComponent.rule_records` (the records of a set, as a rule
file would hold them) and :meth:`RuleComponent.restore_rules` (compile loaded records).
Serialization is then the same for every component, as in spaCy's ``SpanRuler``:

* ``to_bytes``: ``{"cfg": settings, "patterns": [records], ...}``;
* ``to_disk``: ``cfg`` (JSON) and ``patterns.jsonl`` (one record a line) per rule set.

Pipelines written before the rule engine used other names (``rules.jsonl``, the bytes key
``"rules"``, actors' ``gazetteer.jsonl``); each rule set lists them as ``legacy`` names,
which are read when the current name is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import srsly
from spacy import util
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList

from ...types import PathLikeStr, Pattern
from .schema import (
    Rule,
    RuleSchema,
    WordListTable,
    package_data_path,
    read_rule_file,
    rules_from_dicts,
    write_rule_file,
)

CFG_KEY = "cfg"
BUNDLED = "bundled"
"""A rule path that stands for the component's bundled rule files."""
RULES_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Setting:
    """One serialized setting: the attribute ``name``, and ``load`` to check or convert a
    value read from ``cfg`` (a JSON value) before it is set: a function of the value, or
    the name of a method of the component that takes it."""

    name: str
    load: Callable[[Any], Any] | str | None = None


@dataclass(frozen=True)
class RuleSet:
    """One serialized rule set: bytes key and file stem ``key``, its ``schema``, the
    names earlier versions wrote it under (bytes keys or file names) and the files shipped
    for it in ``spacy_framing/data`` (named ``"bundled"`` where rule paths are given)."""

    key: str
    schema: RuleSchema
    legacy: tuple[str, ...] = ()
    bundled: tuple[str, ...] = ()


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | list | frozenset | set):
        return [_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _json_value(item) for key, item in value.items()}
    return value


class RuleComponent(Pipe):
    """Base of the rule components: declared settings and rule sets, loaded and saved
    alike."""

    settings: ClassVar[tuple[Setting, ...]] = ()
    rule_sets: ClassVar[tuple[RuleSet, ...]] = ()
    name: str

    # -- processing ----------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Find the component's spans in ``doc`` and write them (spaCy's error handler
        decides what a failure does).

        doc (Doc): The document to process.
        RETURNS (Doc): The same document.
        """
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.match(doc))
        except Exception as err:
            return error_handler(self.name, self, [doc], err)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        """The spans the rules find in ``doc``."""
        raise NotImplementedError

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:  # type: ignore[override]
        """Write ``spans`` to ``doc``."""
        raise NotImplementedError

    # -- hooks ---------------------------------------------------------------------------

    def rule_records(self, key: str) -> list[Pattern]:
        """The records of rule set ``key``, as a rule file would hold them."""
        raise NotImplementedError

    def restore_rules(self, loaded: Mapping[str, list[Rule]]) -> None:
        """Compile the rule sets read by ``from_bytes``/``from_disk``; a set that is not in
        ``loaded`` (excluded, or absent) keeps its current rules under the new settings."""
        raise NotImplementedError

    # -- settings ------------------------------------------------------------------------

    def get_settings(self) -> dict[str, Any]:
        """The declared settings as JSON data."""
        return {setting.name: _json_value(getattr(self, setting.name))
                for setting in self.settings}

    def apply_settings(self, values: Mapping[str, Any]) -> None:
        """Set the declared settings found in ``values`` (others are ignored)."""
        for setting in self.settings:
            if setting.name in values:
                value = values[setting.name]
                if isinstance(setting.load, str):
                    value = getattr(self, setting.load)(value)
                elif setting.load is not None:
                    value = setting.load(value)
                setattr(self, setting.name, value)

    # -- reading rules -------------------------------------------------------------------

    def rule_set(self, key: str) -> RuleSet:
        for rule_set in self.rule_sets:
            if rule_set.key == key:
                return rule_set
        raise KeyError(key)

    def read_rules(self, path: PathLikeStr | Sequence[PathLikeStr], key: str = "patterns", *,
                   lists: WordListTable | None = None) -> list[Rule]:
        """Read and validate rule files of set ``key`` (several are read as one).

        path (PathLikeStr | Sequence[PathLikeStr]): The JSONL file or files.
        key (str): The rule set whose schema applies.
        lists (WordListTable | None): Named lists known before the file (extended).
        RETURNS (list[Rule]): The rules, each with its file and line.
        """
        return read_rule_file(path, schema=self.rule_set(key).schema, lists=lists)

    def check_rules(self, records: Iterable[Any], key: str = "patterns", *,
                    origin: str | None = None,
                    lists: WordListTable | None = None) -> list[Rule]:
        """Validate records given in Python; errors name ``origin`` and the index.

        records (Iterable[Any]): The records.
        key (str): The rule set whose schema applies.
        origin (str | None): For messages; default ``"<name>.patterns"``.
        lists (WordListTable | None): Named lists the records may use (extended).
        RETURNS (list[Rule]): The rules.
        """
        return rules_from_dicts(list(records), schema=self.rule_set(key).schema,
                                origin=origin or f"{self.name}.patterns", lists=lists)

    def load_rules(self, patterns: Any, key: str = "patterns", *, origin: str,
                   type_error: str, lists: WordListTable | None = None) -> list[Rule]:
        """Rules from what ``initialize`` accepts: records, a path or a list of paths.

        patterns (Any): Records (dicts), or the path (or paths) of JSONL files.
        key (str): The rule set whose schema applies.
        origin (str): For messages about records given in Python.
        type_error (str): The message (formatted with ``component`` and ``kind``) of the
            TypeError raised for anything else.
        lists (WordListTable | None): Named lists the rules may use (extended).
        RETURNS (list[Rule]): The rules.
        """
        table = lists if lists is not None else WordListTable()
        if isinstance(patterns, str | Path):
            patterns = [patterns]
        if isinstance(patterns, Mapping | bytes) or not isinstance(patterns, Iterable):
            raise TypeError(type_error.format(component=self.name,
                                              kind=type(patterns).__name__))
        items = list(patterns)
        if items and all(isinstance(item, str | Path) for item in items):
            paths = [path for item in items for path in (
                self.bundled_paths(key) if item == BUNDLED else [Path(item)])]
            return self.read_rules(paths, key, lists=table)
        return self.check_rules(items, key, origin=origin, lists=table)

    def bundled_paths(self, key: str = "patterns") -> list[Path]:
        """The rule files shipped for rule set ``key``."""
        return [package_data_path(name) for name in self.rule_set(key).bundled]

    # -- serialization -------------------------------------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        """Serialize the settings and rules.

        exclude (Iterable[str]): Keys to leave out (``"cfg"``, a rule set's key).
        RETURNS (bytes): The serialized component.
        """
        serializers: dict[str, Callable[[], Any]] = {
            CFG_KEY: lambda: srsly.json_dumps(self.get_settings())}
        for rule_set in self.rule_sets:
            serializers[rule_set.key] = \
                lambda key=rule_set.key: srsly.json_dumps(self.rule_records(key))
        return util.to_bytes(serializers, exclude)

    def from_bytes(self, bytes_data: bytes, *,
                   exclude: Iterable[str] = SimpleFrozenList()) -> RuleComponent:
        """Load settings and rules from ``to_bytes`` output.

        bytes_data (bytes): The data.
        exclude (Iterable[str]): Keys to leave out.
        RETURNS (RuleComponent): The component.
        """
        raw: dict[str, Any] = {}
        deserializers: dict[str, Callable[[bytes], Any]] = {
            CFG_KEY: lambda b: raw.__setitem__(CFG_KEY, srsly.json_loads(b))}
        for rule_set in self.rule_sets:
            for name in (*rule_set.legacy, rule_set.key):  # the current key wins
                deserializers[name] = lambda b, key=rule_set.key: raw.__setitem__(
                    key, srsly.json_loads(b))
        util.from_bytes(bytes_data, deserializers, exclude)
        self.apply_settings(raw.get(CFG_KEY, {}))
        loaded = {rule_set.key: self.check_rules(raw[rule_set.key], rule_set.key,
                                                 origin=f"{self.name}.from_bytes")
                  for rule_set in self.rule_sets if rule_set.key in raw}
        self.restore_rules(loaded)
        return self

    def to_disk(self, path: PathLikeStr, *,
                exclude: Iterable[str] = SimpleFrozenList()) -> None:
        """Write ``cfg`` and one ``<key>.jsonl`` rule file per rule set to ``path``.

        path (PathLikeStr): A folder (created if needed).
        exclude (Iterable[str]): Keys to leave out.
        """
        path = util.ensure_path(path)
        serializers: dict[str, Callable[[Path], Any]] = {
            CFG_KEY: lambda p: srsly.write_json(p, self.get_settings())}
        for rule_set in self.rule_sets:
            serializers[rule_set.key] = lambda p, key=rule_set.key: write_rule_file(
                p.with_suffix(RULES_SUFFIX), self.rule_records(key))
        util.to_disk(path, serializers, exclude)

    def from_disk(self, path: PathLikeStr, *,
                  exclude: Iterable[str] = SimpleFrozenList()) -> RuleComponent:
        """Load what ``to_disk`` wrote (or an earlier version's file names).

        path (PathLikeStr): The folder.
        exclude (Iterable[str]): Keys to leave out.
        RETURNS (RuleComponent): The component.
        """
        path = util.ensure_path(path)
        excluded = set(exclude)
        if CFG_KEY not in excluded and (path / CFG_KEY).exists():
            self.apply_settings(srsly.read_json(path / CFG_KEY))
        loaded: dict[str, list[Rule]] = {}
        for rule_set in self.rule_sets:
            if rule_set.key in excluded:
                continue
            candidates = [path / (rule_set.key + RULES_SUFFIX),
                          *(path / name for name in rule_set.legacy)]
            found = next((file for file in candidates if file.is_file()), None)
            if found is not None:
                loaded[rule_set.key] = self.read_rules(found, rule_set.key)
        self.restore_rules(loaded)
        return self


def located(rules: Sequence[Rule]) -> list[tuple[Mapping[str, Any], str, int]]:
    """(record, origin, line) triples of ``rules``, for compile steps that report errors
    with file and line (the records are the rules' read-only data: copy to change)."""
    return [(rule.data, rule.origin, rule.line) for rule in rules]
