"""The rule engine shared by framing_actors, framing_devices, framing_hedges and
framing_sources.

* :mod:`.schema`: typed rule records (:class:`Rule`), validated once when a file loads
  against a component's :class:`RuleSchema`, named word lists (``{"lists": {...}}``,
  ``"@NAME"``) and ``ANY{m,n}`` windows, with file:line in every error;
* :mod:`.component`: :class:`RuleComponent`, the base whose declared settings and rule
  sets drive loading and serialization;
* :mod:`.lazy`: the lazy matcher pre-filter (:class:`LazyPhraseMatcher`,
  :class:`WordIndex`, :class:`MatcherShelf`).

The rule format for users is described in ``docs/rules.md``.
"""

from .component import RuleComponent, RuleSet, Setting, located
from .lazy import (
    PLAIN_ATTRS,
    LazyPhraseMatcher,
    MatcherShelf,
    WordIndex,
    as_word_lists,
    is_whole_token,
    max_pattern_length,
)
from .schema import (
    Rule,
    RuleError,
    RuleSchema,
    WordListTable,
    copy_records,
    expand_windows,
    iter_records,
    package_data_path,
    read_rule_file,
    rules_from_dicts,
    string_list,
    write_rule_file,
)

__all__ = [
    "PLAIN_ATTRS",
    "LazyPhraseMatcher",
    "MatcherShelf",
    "Rule",
    "RuleComponent",
    "RuleError",
    "RuleSchema",
    "RuleSet",
    "Setting",
    "WordIndex",
    "WordListTable",
    "as_word_lists",
    "copy_records",
    "expand_windows",
    "is_whole_token",
    "iter_records",
    "located",
    "max_pattern_length",
    "package_data_path",
    "read_rule_file",
    "rules_from_dicts",
    "string_list",
    "write_rule_file",
]
