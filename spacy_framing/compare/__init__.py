"""`framing compare`: how outlets frame one target actor, with numbers to back it.

``compare(inputs, target=...)`` reads the inputs, parses them with the framing pipeline
(streaming: each Doc becomes facts at once) and hands the facts to
``compare_facts``, which needs no spaCy: per-outlet profiles with bootstrap intervals,
the outlets' divergence with a permutation test, a cross-validated contrast model and
a plain-language summary, returned as a :class:`Comparison`.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..corpus import InputItem, read_records
from ..errors import Errors
from ..types import Facts
from .masking import author_words, masked_lemmas, outlet_patterns
from .profiles import (
    CODEBOOK_DEVICES,
    MIN_TARGET_SENTENCES,
    NO_STRATUM,
    TargetData,
    build_profile,
    collect,
    presence_matrix,
    unit_counts,
)
from .stats import holm, label_tests, permutation_test
from .summary import summarise
from .target import Target, TargetError, as_target, resolve_target
from .trends import PERIODS, build_trend

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Comparison", "NoDocumentsError", "Target", "TargetError", "compare",
           "compare_facts", "resolve_target"]

DEFAULT_BOOTSTRAP = 1000
DEFAULT_PERMUTATIONS = 1000


class NoDocumentsError(ValueError):
    """There is nothing to compare (no documents, or all of them were skipped)."""


@dataclass
class Comparison:
    """The result of ``compare``: plain data plus renderers.

    ``to_dict()`` is the ``framing compare --format json`` object; ``documents`` holds
    the per-document facts (the HTML report shows the articles from them).
    """

    target: str
    outlets: list[dict[str, Any]]
    divergence: dict[str, Any]
    contrast_model: dict[str, Any]
    summary: list[str]
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    documents: list[Facts] = field(default_factory=list, repr=False)
    # Bad input records left out (``skip_bad``), one message each (file:line: reason).
    skipped: list[str] = field(default_factory=list)
    # Documents whose text does not look English: (doc_id, warning).
    language_warnings: list[tuple[str, str]] = field(default_factory=list)
    trend: list[dict[str, Any]] | None = None
    """With a period: one row per group and period (see :mod:`.trends`)."""
    trend_changes: list[dict[str, Any]] | None = None
    stratification: dict[str, Any] | None = None
    """With a stratify field: the differences within strata (see ``compare_facts``)."""
    target_info: Target | None = None
    """What the target is: an actor, or a person and the actors they spoke for."""

    def to_dict(self, *, include_documents: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "target": self.target,
            "target_info": (self.target_info or as_target(self.target)).to_dict(),
            "outlets": self.outlets,
            "divergence": self.divergence,
            "contrast_model": self.contrast_model,
            "summary": self.summary,
            "notes": self.notes,
            "settings": self.settings,
        }
        if self.trend is not None:
            data["trend"] = self.trend
            data["trend_changes"] = self.trend_changes or []
        if self.stratification is not None:
            data["stratification"] = self.stratification
        if include_documents:
            data["documents"] = self.documents
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        from ..report import render

        return render(self.to_dict(), "json", indent=indent)

    def to_text(self, *, colour: bool = False) -> str:
        from ..report import render

        return render(self.to_dict(), "text", colour=colour)

    def to_markdown(self) -> str:
        from ..report import render

        return render(self.to_dict(), "markdown")

    def to_html(self) -> str:
        """One self-contained HTML file (no external scripts or styles)."""
        from ..report import render

        return render(self.to_dict(), "html", documents=self.documents)

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per outlet and device label."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError(Errors.E312) from err
        rows = []
        for outlet in self.outlets:
            for label, stats in outlet["devices"].items():
                rows.append({
                    "outlet": outlet["name"],
                    "label": label,
                    "count": stats["count"],
                    "share": stats["share"],
                    "ci_low": stats["ci"][0],
                    "ci_high": stats["ci"][1],
                    "target_sentences": outlet["target_sentences"],
                    "documents": outlet["documents"],
                    "ci_resampling": outlet["ci_resampling"],
                })
        return pd.DataFrame(rows)


def compare(
    inputs: Iterable[InputItem] | InputItem,
    *,
    target: str,
    aliases: Sequence[str] = (),
    outlets: Sequence[str] = (),
    seed: int = 0,
    model: str | None = None,
    nlp: Language | None = None,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    n_permutations: int = DEFAULT_PERMUTATIONS,
    batch_size: int = 16,
    n_process: int = 1,
    keep_documents: bool = True,
    skip_bad: bool = False,
    progress: bool = False,
    stratify: str | None = None,
    period: str | None = None,
) -> Comparison:
    """Compare how the outlets in ``inputs`` frame ``target``.

    ``inputs``: ``.txt`` articles, ``.jsonl``/``.csv`` record files, folders of them, or
    record dicts (``text``, ``outlet``, optional ``doc_id``, ``title``, ``date``).
    ``outlets`` names the ``.txt`` articles in order. ``target`` is a canonical actor or
    any alias the actors component knows, or an office holder it knows (compared as that
    person, see :func:`resolve_target`); ``aliases`` adds more (and may introduce an
    actor the component does not know). Each record's ``date`` is its Doc's
    ``Doc._.date``, which picks who held an office then. ``nlp`` reuses a loaded framing pipeline
    (``aliases`` are then added to it); otherwise ``model`` is loaded. ``stratify`` and
    ``period`` are as in :func:`compare_facts`.

    Every bad input record is found before any parsing: without ``skip_bad`` they raise
    together (:class:`~spacy_framing.corpus.InputErrors`); with it they are left out and
    listed in ``Comparison.skipped``. ``progress`` shows a bar of documents parsed on
    standard error.
    """
    from ..corpus import ErrorLedger
    from ..language import language_warning

    _check_counts(n_bootstrap, n_permutations)
    _check_period(period)
    ledger = ErrorLedger() if skip_bad else None
    records = read_records(inputs, outlets=outlets, ledger=ledger)
    warnings = [(str(r["doc_id"]), w) for r in records
                if (w := language_warning(r["text"])) is not None]
    if nlp is None:
        from .._loader import load

        nlp = load(model)
    resolved = resolve_target(nlp, target, aliases)
    from ..facts import stream_facts

    facts = stream_facts(nlp, records, batch_size=batch_size, n_process=n_process)
    order = list(dict.fromkeys(str(r["outlet"]) for r in records))
    with _progress_bar(len(records), enabled=progress) as advance:
        result = compare_facts(_counted(facts, advance), target=resolved, seed=seed,
                               n_bootstrap=n_bootstrap, n_permutations=n_permutations,
                               outlet_order=order, keep_documents=keep_documents,
                               stratify=stratify, period=period)
    result.skipped = ledger.messages() if ledger else []
    result.language_warnings = warnings
    if result.skipped:
        result.notes.append(f"{len(result.skipped)} bad input records were left out "
                            "(--skip-bad).")
    if warnings:
        result.notes.append(f"{len(warnings)} of {len(records)} documents do not look "
                            "English; the framing components only know English.")
    return result


def _counted(facts: Iterable[Facts], advance: Any) -> Iterable[Facts]:
    for item in facts:
        advance(1)
        yield item


@contextmanager
def _progress_bar(length: int, *, enabled: bool) -> Iterator[Any]:
    """``advance(n)`` for a bar on standard error, or a no-op when disabled."""
    if not enabled:
        yield lambda n: None
        return
    import click

    with click.progressbar(length=length, label="parsing documents", file=sys.stderr,
                           show_pos=True) as bar:
        yield bar.update


def compare_facts(
    facts: Iterable[Facts],
    *,
    target: str | Target,
    seed: int = 0,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    n_permutations: int = DEFAULT_PERMUTATIONS,
    outlet_order: Sequence[str] = (),
    labels: Sequence[str] = CODEBOOK_DEVICES,
    keep_documents: bool = True,
    stratify: str | None = None,
    period: str | None = None,
    sort_groups: bool = False,
) -> Comparison:
    """The comparison from per-document facts (no spaCy needed).

    target (str | Target): The canonical actor name as it appears in the facts, or a
        :class:`Target` (a person is compared through the facts' optional ``persons``,
        ``source_persons`` and the role of their mentions).
    stratify (str | None): A field (facts key or ``meta`` key, e.g. ``topic`` or a story
        id) whose values are strata: permutations shuffle outlets within strata, the
        bootstrap resamples within them, cross-validation holds out whole strata, and the
        ``stratification`` entry says which differences survive.
    period (str | None): ``month``, ``quarter`` or ``year``: adds the ``trend`` rows per
        group and period, from each document's ``date``.
    sort_groups (bool): Report groups sorted by name (dates, many ``--by`` values).
    RETURNS (Comparison): Profiles, statistics, models, summary and optional trend.
    """
    _check_counts(n_bootstrap, n_permutations)
    _check_period(period)
    spec = as_target(target)
    target = spec.name
    data = collect(facts, target, outlet_order=outlet_order, labels=labels,
                   keep_documents=keep_documents, stratify=stratify, person=spec.is_person)
    if not data.outlets:
        raise NoDocumentsError(Errors.E311)
    if sort_groups:
        data.outlets.sort(key=lambda outlet: _natural_key(outlet.name))
    # Independent streams: changing the bootstrap count leaves the permutations alone
    # (spawned children depend only on their index, so adding streams keeps the first two).
    bootstrap_seed, permutation_seed, label_seed, trend_seed, trend_test_seed = \
        np.random.SeedSequence(seed).spawn(5)
    bootstrap_rng = np.random.default_rng(bootstrap_seed)
    document_strata = [info.stratum for info in data.document_info] if stratify else None
    profiles = [build_profile(outlet, data.labels, n_bootstrap=n_bootstrap, rng=bootstrap_rng,
                              document_strata=document_strata)
                for outlet in data.outlets]
    divergence = _divergence(data, n_permutations=n_permutations,
                             rng=np.random.default_rng(permutation_seed),
                             label_rng=np.random.default_rng(label_seed))
    # Imported here: scikit-learn takes a while to import and only this step needs it.
    from .contrast import contrast_model

    modelled = _modelled_groups(data)
    sentences = [s for s in data.sentences if s.outlet in modelled]
    model = contrast_model(sentences, seed=seed, lemma_texts=masked_texts(data, sentences),
                           strata=[document_strata[s.document] for s in sentences]
                           if document_strata is not None else None)
    present = [o.name for o in data.outlets if o.target]
    if len(modelled) < len(present):
        model["groups"] = [name for name in present if name in modelled]
        model["notes"].append(
            f"The contrast models tell apart the {len(modelled)} groups with the most "
            f"{target} sentences (of {len(present)} with any), each with at least "
            f"{MIN_TARGET_SENTENCES}; a classifier over many small groups says little and "
            "costs much.")
    notes = [note for profile in profiles for note in profile["notes"]]
    notes += divergence.pop("notes") + model.pop("notes")
    stratification = divergence.pop("stratification", None)
    if stratification is not None:
        stratification["adjusted_shares"] = _adjusted_shares(data)
        notes += stratification.pop("notes")
    trend = None
    if period is not None:
        trend = build_trend(data, period=period, n_bootstrap=n_bootstrap,
                            n_permutations=n_permutations,
                            bootstrap_rng=np.random.default_rng(trend_seed),
                            permutation_rng=np.random.default_rng(trend_test_seed))
        notes += trend["notes"]
    thin = [p["name"] for p in profiles if p["target_sentences"] < MIN_TARGET_SENTENCES]
    result: dict[str, Any] = {
        "target": target,
        "target_info": spec.to_dict(),
        "outlets": profiles,
        "divergence": divergence,
        "contrast_model": model,
        "notes": notes,
        "conclusive": not thin and len(profiles) >= 2,
        "stratification": stratification,
        "trend": trend["rows"] if trend else None,
        "trend_changes": trend["changes"] if trend else None,
        "settings": {"period": period, "stratify": stratify},
    }
    summary = summarise(result)
    settings = {"seed": seed, "n_bootstrap": n_bootstrap, "n_permutations": n_permutations,
                "ci_level": 0.95, "min_target_sentences": MIN_TARGET_SENTENCES,
                "labels": list(data.labels), "conclusive": result["conclusive"]}
    if period is not None:
        settings["period"] = period
        settings["undated_documents"] = trend["undated_documents"] if trend else 0
    if stratify is not None:
        settings["stratify"] = stratify
    return Comparison(
        target=target,
        outlets=profiles,
        divergence=divergence,
        contrast_model=model,
        summary=summary,
        notes=notes,
        settings=settings,
        documents=data.documents,
        trend=result["trend"],
        trend_changes=result["trend_changes"],
        stratification=stratification,
        target_info=spec,
    )


MAX_MODEL_GROUPS = 8
"""The contrast models compare at most this many groups (those with most target sentences)."""


def _modelled_groups(data: TargetData) -> set[str]:
    present = sorted((o for o in data.outlets if o.target), key=lambda o: -len(o.target))
    if len(present) <= MAX_MODEL_GROUPS:
        return {o.name for o in present}
    solid = [o for o in present if len(o.target) >= MIN_TARGET_SENTENCES]
    return {o.name for o in (solid if len(solid) >= 2 else present)[:MAX_MODEL_GROUPS]}


def masked_texts(data: TargetData, sentences: Sequence[Any] | None = None) -> list[str]:
    """Each target sentence's lemmas (of ``sentences``, by default all) with outlet names,
    datelines, bylines, credit lines, authors and numbers masked (see :mod:`.masking`),
    joined by spaces."""
    names = {info.outlet for info in data.document_info}
    # Grouped by outlet, the group names are outlet names too (e.g. given with --outlet).
    names |= {info.group for info in data.document_info if info.group == info.outlet}
    patterns = outlet_patterns(sorted(names))
    authors: dict[int, frozenset[str]] = {}
    texts = []
    for sentence in data.sentences if sentences is None else sentences:
        if sentence.document not in authors:
            authors[sentence.document] = author_words(
                data.document_info[sentence.document].authors)
        texts.append(" ".join(masked_lemmas(
            sentence.fact.get("text") or "", sentence.fact.get("lemmas") or (),
            patterns=patterns, authors=authors[sentence.document])))
    return texts


def _natural_key(name: str) -> tuple[Any, ...]:
    # "(none)" last; numbers inside names compare as numbers (2, 10, not 10, 2).
    parts = re.split(r"(\d+)", name)
    return (name == NO_STRATUM, *[(0, int(p), "") if p.isdigit() else (1, 0, p.lower())
                                  for p in parts])


def _check_period(period: str | None) -> None:
    if period is not None and period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


def _check_counts(n_bootstrap: int, n_permutations: int) -> None:
    # Checked before any parsing: a bad setting should not cost a model load first.
    if n_bootstrap < 1:
        raise ValueError(f"n_bootstrap must be at least 1 (every share has a confidence "
                         f"interval), got {n_bootstrap}")
    if n_permutations < 0:
        raise ValueError(f"n_permutations must be 0 (no divergence test) or more, "
                         f"got {n_permutations}")


def _divergence(data: TargetData, *, n_permutations: int, rng: np.random.Generator,
                label_rng: np.random.Generator) -> dict[str, Any]:
    names = [outlet.name for outlet in data.outlets]
    present = [outlet for outlet in data.outlets if outlet.target]
    notes: list[str] = []
    # Documents are the honest unit (sentences of one article are not independent), but
    # with a single document in some outlet there is nothing to shuffle but sentences.
    unit = "documents" if present and all(len(o.target_documents) >= 2 for o in present) \
        else "sentences"
    rows, totals, owners, strata = [], [], [], []
    for index, outlet in enumerate(data.outlets):
        if not outlet.target:
            continue
        hits, unit_totals, ids = unit_counts(outlet.target, data.labels, unit)
        rows.append(hits)
        totals.append(unit_totals)
        owners.extend([index] * hits.shape[0])
        if data.stratify is not None:
            documents = ids if unit == "documents" else [s.document for s in outlet.target]
            strata += [data.document_info[d].stratum for d in documents]
    counts = np.vstack(rows) if rows else np.zeros((0, len(data.labels)))
    unit_totals_all = np.concatenate(totals) if totals else np.zeros(0)
    unit_strata = strata if data.stratify is not None else None
    result = permutation_test(counts, owners, len(names), n_permutations=n_permutations,
                              rng=rng, unit=unit, strata=unit_strata)
    if len(present) < 2:
        notes.append("The divergence test needs target sentences from at least two outlets.")
    elif n_permutations == 0:
        notes.append("No permutation test was run (0 permutations); the divergences have "
                     "no p-value.")
    elif result.p_value is None:
        notes.append("No divergence test: an outlet has no framing devices in its target "
                     "sentences.")
    if unit == "sentences" and len(present) >= 2:
        notes.append("The permutation test and intervals resample sentences because an "
                     "outlet has fewer than two documents about the target; sentences of "
                     "one article are not independent, so p-values are optimistic.")
    label_totals = {
        name: dict(zip(data.labels, presence_matrix(o.target, data.labels).sum(axis=0)
                       .astype(int).tolist(), strict=True))
        for name, o in zip(names, data.outlets, strict=True)
    }
    divergence: dict[str, Any] = {
        "outlets": names,
        "jensen_shannon": _matrix(result.matrix),
        "p_value": _number(result.p_value),
        "statistic": _number(result.statistic),
        "pair_p_values": _matrix(result.pair_p_values),
        "permutation_unit": unit,
        "n_permutations": result.n_permutations,
        "device_counts": label_totals,
        "notes": notes,
    }
    unstratified = result
    if unit_strata is not None:
        unstratified = permutation_test(counts, owners, len(names),
                                        n_permutations=n_permutations, rng=label_rng,
                                        unit=unit)
        divergence["permutation_strata"] = data.stratify
        divergence["p_value_unstratified"] = _number(unstratified.p_value)
    label_p = _label_p_values(counts, unit_totals_all, owners, len(names), data.labels,
                              n_permutations=n_permutations, rng=label_rng)
    divergence["label_p_values"] = label_p
    if unit_strata is not None:
        stratified_p = _label_p_values(counts, unit_totals_all, owners, len(names),
                                       data.labels, n_permutations=n_permutations,
                                       rng=label_rng, strata=unit_strata)
        divergence["stratification"] = _stratification(
            data, unit_strata, owners, label_p, stratified_p,
            p_value=result.p_value, p_value_unstratified=unstratified.p_value)
    return divergence


def _label_p_values(counts: np.ndarray, totals: np.ndarray, owners: Sequence[int],
                    n_groups: int, labels: Sequence[str], *, n_permutations: int,
                    rng: np.random.Generator,
                    strata: Sequence[Any] | None = None) -> dict[str, float]:
    """Holm-adjusted per-label p-values, for the labels some target sentence carries."""
    raw = label_tests(counts, totals, owners, n_groups, n_permutations=n_permutations,
                      rng=rng, strata=strata)
    if raw is None:
        return {}
    used = [j for j in range(len(labels)) if counts[:, j].any()]
    adjusted = holm([float(raw[j]) for j in used])
    return {labels[j]: round(p, 4) for j, p in zip(used, adjusted, strict=True)}


SIGNIFICANCE = 0.05


def _stratification(data: TargetData, unit_strata: Sequence[Any], owners: Sequence[int],
                    label_p: dict[str, float], stratified_p: dict[str, float], *,
                    p_value: float | None, p_value_unstratified: float | None
                    ) -> dict[str, Any]:
    groups_in: dict[Any, set[int]] = {}
    for stratum, owner in zip(unit_strata, owners, strict=True):
        groups_in.setdefault(stratum, set()).add(owner)
    informative = sum(1 for groups in groups_in.values() if len(groups) >= 2)
    without = sum(1 for info in data.document_info if info.stratum == NO_STRATUM)
    labels: dict[str, dict[str, Any]] = {}
    for label, p in label_p.items():
        within = stratified_p.get(label)
        if within is None:
            continue
        if p < SIGNIFICANCE and within < SIGNIFICANCE:
            verdict = "survives"
        elif p < SIGNIFICANCE:
            verdict = "explained by strata"
        elif within < SIGNIFICANCE:
            verdict = "within strata only"
        else:
            verdict = "no difference"
        labels[label] = {"p_value": p, "p_value_stratified": within, "verdict": verdict}
    notes = []
    if without:
        notes.append(f"{without} document(s) have no {data.stratify} and form the stratum "
                     f"{NO_STRATUM!r}.")
    if informative == 0:
        notes.append(f"No {data.stratify} stratum holds target sentences from two groups, so "
                     "nothing can be compared within strata.")
    return {
        "field": data.stratify,
        "strata": len(groups_in),
        "informative_strata": informative,
        "documents_without_value": without,
        "divergence_p_value": _number(p_value),
        "divergence_p_value_unstratified": _number(p_value_unstratified),
        "labels": labels,
        "notes": notes,
    }


def _adjusted_shares(data: TargetData) -> dict[str, dict[str, float]]:
    """Each group's device shares standardised to the whole corpus's mix of strata (over
    the strata the group has target sentences in): shares compared within strata."""
    weights: dict[Any, int] = {}
    cells: dict[tuple[str, Any], list[Any]] = {}
    for outlet in data.outlets:
        for sentence in outlet.target:
            stratum = data.document_info[sentence.document].stratum
            weights[stratum] = weights.get(stratum, 0) + 1
            cells.setdefault((outlet.name, stratum), []).append(sentence)
    adjusted: dict[str, dict[str, float]] = {}
    for outlet in data.outlets:
        mine = [(stratum, cells[(outlet.name, stratum)]) for stratum in weights
                if (outlet.name, stratum) in cells]
        total_weight = sum(weights[stratum] for stratum, _ in mine)
        shares = np.zeros(len(data.labels))
        for stratum, sentences in mine:
            presence = presence_matrix(sentences, data.labels)
            shares += weights[stratum] / total_weight * presence.mean(axis=0)
        adjusted[outlet.name] = {label: round(float(v), 4)
                                 for label, v in zip(data.labels, shares, strict=True)}
    return adjusted


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 4)


def _matrix(matrix: np.ndarray) -> list[list[float | None]]:
    return [[_number(v) for v in row] for row in matrix.tolist()]

