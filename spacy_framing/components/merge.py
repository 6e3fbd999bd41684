"""How rule spans and model spans become one span group.

``framing_devices`` (rules) writes ``doc.spans["framing"]``; a trained span categorizer
(spaCy's ``spancat``) writes scored candidates to its own key (``"framing_model"``). The
``framing_merge`` component joins them under one of three policies:

``union`` (the default)
    every rule span stays; a model span is added when its score reaches the label's
    threshold and it overlaps no span of the same label already kept. Overlapping model
    spans of one label keep only the highest-scoring one.
``model``
    model spans only (same thresholds and overlap rule); rule spans are dropped.
``rules``
    rule spans only; the model's candidates are ignored.

Every span in the merged group carries ``span._.origin`` (the rule id, or ``"model"``)
and ``span._.score`` (the model's probability, 1.0 for a rule). Both are plain data, so they
survive ``DocBin`` and ``nlp.to_disk``/``spacy.load``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.pipeline.spancat import spancat_score
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import SimpleFrozenList, ensure_path

MODEL_ORIGIN = "model"
POLICIES = ("union", "model", "rules")
DEFAULT_THRESHOLD = 0.5


def register_span_extensions() -> None:
    """``Span._.origin`` (rule id or ``"model"``) and ``Span._.score``; idempotent."""
    if not Span.has_extension("origin"):
        Span.set_extension("origin", getter=_origin)
    if not Span.has_extension("score"):
        Span.set_extension("score", default=1.0)


def _origin(span: Span) -> str:
    return span.id_


@Language.factory(
    "framing_merge",
    default_config={
        "rules_key": "framing",
        "model_key": "framing_model",
        "spans_key": "framing",
        "policy": "union",
        "thresholds": {},
        "default_threshold": DEFAULT_THRESHOLD,
        "scorer": {"@scorers": "spacy.spancat_scorer.v1"},
    },
    assigns=["doc.spans"],
)
def make_merge(
    nlp: Language,
    name: str,
    *,
    rules_key: str,
    model_key: str,
    spans_key: str,
    policy: str,
    thresholds: dict[str, float],
    default_threshold: float,
    scorer: Callable | None,
) -> SpanMerger:
    """Create a ``framing_merge`` component (see the module docstring for the policies)."""
    return SpanMerger(nlp, name, rules_key=rules_key, model_key=model_key,
                      spans_key=spans_key, policy=policy, thresholds=thresholds,
                      default_threshold=default_threshold, scorer=scorer)


class SpanMerger(Pipe):
    """Joins rule spans and scored model spans into one span group."""

    def __init__(
        self,
        nlp: Language,
        name: str = "framing_merge",
        *,
        rules_key: str = "framing",
        model_key: str = "framing_model",
        spans_key: str = "framing",
        policy: str = "union",
        thresholds: Mapping[str, float] | None = None,
        default_threshold: float = DEFAULT_THRESHOLD,
        scorer: Callable | None = None,
    ) -> None:
        """Initialize the merger.

        nlp (Language): The pipeline; only its vocab is used.
        name (str): The component name.
        rules_key (str): The span group the rules wrote.
        model_key (str): The span group the span categorizer wrote (with scores).
        spans_key (str): The span group to write the merged spans to.
        policy (str): ``"union"``, ``"model"`` or ``"rules"``.
        thresholds (Mapping[str, float]): Minimum model score per label.
        default_threshold (float): Minimum model score for labels not in ``thresholds``.
        scorer (Callable | None): Scoring method, as for spaCy's ``spancat``.
        """
        if policy not in POLICIES:
            raise ValueError(f"[framing_merge] policy {policy!r} is not one of {POLICIES}")
        self.vocab = nlp.vocab
        self.name = name
        self.rules_key = rules_key
        self.model_key = model_key
        self.spans_key = spans_key
        self.policy = policy
        self.thresholds = {str(k): float(v) for k, v in (thresholds or {}).items()}
        self.default_threshold = float(default_threshold)
        self.scorer = scorer
        register_span_extensions()

    def __call__(self, doc: Doc) -> Doc:
        """Write the merged span group.

        doc (Doc): A document the rules and/or the span categorizer have processed.
        RETURNS (Doc): The same document.
        """
        doc.spans[self.spans_key] = merge_spans(
            doc,
            rule_spans=list(doc.spans[self.rules_key]) if self.rules_key in doc.spans else [],
            model_spans=self._model_candidates(doc),
            policy=self.policy,
            thresholds=self.thresholds,
            default_threshold=self.default_threshold,
        )
        return doc

    def _model_candidates(self, doc: Doc) -> list[tuple[Span, float]]:
        if self.model_key not in doc.spans:
            return []
        group = doc.spans[self.model_key]
        scores = group.attrs.get("scores")
        if scores is None:
            return [(span, 1.0) for span in group]
        return [(span, span_probability(score))
                for span, score in zip(group, scores, strict=True)]

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        """Span scores (P, R, F per label) of the merged group against the reference."""
        scorer = self.scorer or spancat_score
        return scorer(examples, spans_key=self.spans_key, **kwargs)

    def _settings(self) -> dict[str, Any]:
        return {"rules_key": self.rules_key, "model_key": self.model_key,
                "spans_key": self.spans_key, "policy": self.policy,
                "thresholds": self.thresholds, "default_threshold": self.default_threshold}

    def _apply(self, settings: dict[str, Any]) -> None:
        self.rules_key = settings["rules_key"]
        self.model_key = settings["model_key"]
        self.spans_key = settings["spans_key"]
        self.policy = settings["policy"]
        self.thresholds = {str(k): float(v) for k, v in settings["thresholds"].items()}
        self.default_threshold = float(settings["default_threshold"])

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        """Serialize the settings (thresholds tuned after training included)."""
        # The standard library's json keeps floats exact (srsly's ujson rounds 0.7 to
        # 0.7000000000000001), and thresholds are compared, so they must round-trip.
        return json.dumps(self._settings(), sort_keys=True).encode("utf-8")

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()
                   ) -> SpanMerger:
        """Load settings written by :meth:`to_bytes`."""
        self._apply(json.loads(bytes_data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()
                ) -> None:
        """Write the settings to ``path/settings.json``."""
        folder = ensure_path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "settings.json").write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()
                  ) -> SpanMerger:
        """Read the settings written by :meth:`to_disk`."""
        self._apply(json.loads((ensure_path(path) / "settings.json").read_bytes()))
        return self


def span_probability(score: Any) -> float:
    """One probability from a span group's ``attrs["scores"]`` entry: a scalar for
    ``spancat``, a one-element row for ``spancat_singlelabel``."""
    return float(numpy.asarray(score, dtype="float32").max())


def merge_spans(
    doc: Doc,
    *,
    rule_spans: Iterable[Span],
    model_spans: Iterable[tuple[Span, float]],
    policy: str = "union",
    thresholds: Mapping[str, float] | None = None,
    default_threshold: float = DEFAULT_THRESHOLD,
) -> SpanGroup:
    """Join rule spans and scored model spans under ``policy``.

    doc (Doc): The document the spans belong to.
    rule_spans (Iterable[Span]): Spans from rules; ``span.id_`` is the rule id.
    model_spans (Iterable[tuple[Span, float]]): Model candidates with their probability.
    policy (str): ``"union"``, ``"model"`` or ``"rules"``.
    thresholds (Mapping[str, float] | None): Minimum score per label.
    default_threshold (float): Minimum score for other labels.
    RETURNS (SpanGroup): The merged spans, sorted, each with ``_.origin`` and ``_.score``.
    """
    register_span_extensions()
    thresholds = thresholds or {}
    kept: list[tuple[Span, float]] = []
    if policy in ("union", "rules"):
        kept.extend((span, 1.0) for span in rule_spans)
    if policy in ("union", "model"):
        candidates = sorted(
            ((span, score) for span, score in model_spans
             if score >= thresholds.get(span.label_, default_threshold)),
            key=lambda pair: (-pair[1], pair[0].start, pair[0].end))
        taken: dict[str, list[tuple[int, int]]] = {}
        for span, _ in kept:
            taken.setdefault(span.label_, []).append((span.start, span.end))
        for span, score in candidates:
            ranges = taken.setdefault(span.label_, [])
            if any(span.start < end and start < span.end for start, end in ranges):
                continue
            ranges.append((span.start, span.end))
            kept.append((Span(doc, span.start, span.end, label=span.label,
                              span_id=MODEL_ORIGIN), score))
    kept.sort(key=lambda pair: (pair[0].start, pair[0].end, pair[0].label_))
    group = SpanGroup(doc, spans=[span for span, _ in kept])
    for span, score in kept:
        if span.id_ == MODEL_ORIGIN:
            span._.score = round(score, 4)
    return group
