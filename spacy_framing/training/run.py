"""``framing train``: codebook annotations -> DocBin -> spaCy's own training -> a pipeline.

The training itself is spaCy's (``spacy.cli.train.train``, what ``python -m spacy train``
runs) on the bundled config ``configs/devices.cfg``. Around it this module only converts
the annotations, assembles the result with the rule components, and tunes the merge
thresholds on dev:

1. gold JSONL (texts inline, or by path and sha256) -> ``train.spacy`` / ``dev.spacy``;
2. ``spacy train`` -> ``OUTPUT/training/model-best``;
3. the English model + the framing rule components + the trained ``spancat`` (as
   ``framing_spancat``) + ``framing_merge``, whose per-label thresholds and policy are the
   ones that score best on dev (span-partial F1, as ``framing benchmark`` scores);
4. ``nlp.to_disk(OUTPUT)``: ``spacy.load(OUTPUT)``, ``framing compare --model OUTPUT`` and
   ``framing benchmark --model OUTPUT`` take it as it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..benchmark import GoldDoc, match_partial, read_gold
from ..components.merge import POLICIES, merge_spans, span_probability
from ..texts import InputError
from .docbin import DEVICE_LABELS, DEVICES_KEY, gold_to_doc, split_by_story, write_docbin

# Fine steps near 1: spancat_singlelabel trained with down-weighted negatives is confident,
# and the thresholds that pay on dev sit high.
THRESHOLD_GRID: tuple[float, ...] = (*(round(0.2 + 0.05 * i, 2) for i in range(16)),
                                     0.97, 0.98, 0.99)
SPANCAT_NAME = "framing_spancat"
MERGE_NAME = "framing_merge"


def bundled_config(name: str = "devices.cfg") -> Path:
    """Path of a training config shipped with the package (``configs/`` in the repo)."""
    return Path(str(resources.files("spacy_framing.training").joinpath(name)))


@dataclass(frozen=True)
class DevCandidates:
    """One dev document's rule spans and scored model candidates, before merging."""

    gold: GoldDoc
    doc: Doc
    rules: list[Span]
    model: list[tuple[Span, float]]


def read_annotations(paths: Sequence[Path], texts_root: Path | None) -> list[GoldDoc]:
    """Gold records from files or folders; any unusable record stops training with its
    file and line, since a silently dropped annotation would change the model."""
    golds, errors = read_gold(paths, texts_root=texts_root)
    if errors:
        raise errors[0]
    if not golds:
        raise InputError(", ".join(map(str, paths)), "no gold records to train on")
    return golds


def partition(golds: Sequence[GoldDoc], dev: Sequence[GoldDoc], *, dev_share: float
              ) -> tuple[list[GoldDoc], list[GoldDoc], list[GoldDoc]]:
    """(train, dev, held back): records marked ``meta.split == "test"`` are never trained
    or tuned on; without dev files, records marked ``"dev"`` are dev, else whole stories
    are drawn (``dev_share``)."""
    held = [g for g in golds if g.meta.get("split") == "test"]
    usable = [g for g in golds if g.meta.get("split") != "test"]
    if dev:
        return usable, list(dev), held
    marked = [g for g in usable if g.meta.get("split") == "dev"]
    if marked:
        return [g for g in usable if g.meta.get("split") != "dev"], marked, held
    train, dev_part = split_by_story(usable, dev_share=dev_share)
    return train, dev_part, held


def collect_candidates(nlp: Language, golds: Sequence[GoldDoc]) -> list[DevCandidates]:
    """Run the assembled pipeline without its merge step on ``golds``."""
    found: list[DevCandidates] = []
    disabled = [MERGE_NAME] if MERGE_NAME in nlp.pipe_names else []
    with nlp.select_pipes(disable=disabled):
        for gold, doc in zip(golds, nlp.pipe(g.text for g in golds), strict=True):
            rules = [s for s in doc.spans.get("framing", [])
                     if not gold.is_unannotated(s.start_char, s.end_char)]
            model: list[tuple[Span, float]] = []
            if DEVICES_KEY in doc.spans:
                group = doc.spans[DEVICES_KEY]
                scores = group.attrs.get("scores")
                model = [(s, span_probability(p)) for s, p in zip(group, scores, strict=True)
                         if not gold.is_unannotated(s.start_char, s.end_char)]
            found.append(DevCandidates(gold, doc, rules, model))
    return found


def label_counts(candidates: Sequence[DevCandidates], *, policy: str,
                 thresholds: Mapping[str, float], default_threshold: float,
                 labels: Sequence[str] = DEVICE_LABELS) -> dict[str, list[int]]:
    """``label -> [tp, fp, fn]`` (span-partial, one-to-one) of one merge setting."""
    counts = {label: [0, 0, 0] for label in labels}
    for item in candidates:
        merged = merge_spans(item.doc, rule_spans=item.rules, model_spans=item.model,
                             policy=policy, thresholds=thresholds,
                             default_threshold=default_threshold)
        for label in labels:
            pred = [(s.start_char, s.end_char) for s in merged if s.label_ == label]
            gold = [(s.start, s.end) for s in item.gold.spans if s.label == label]
            pairs = len(match_partial(pred, gold))
            tally = counts[label]
            tally[0] += pairs
            tally[1] += len(pred) - pairs
            tally[2] += len(gold) - pairs
    return counts


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tune_merge(candidates: Sequence[DevCandidates], *, labels: Sequence[str] = DEVICE_LABELS
               ) -> dict[str, Any]:
    """Per-label thresholds and the policy that score best on dev.

    candidates (Sequence[DevCandidates]): Dev documents with rule and model spans.
    labels (Sequence[str]): The device labels to tune.
    RETURNS (dict[str, Any]): ``policy``, ``thresholds`` and the dev ``scores`` (micro F1
        and per-label counts) of every policy.
    """
    by_policy: dict[str, dict[str, Any]] = {}
    for policy in POLICIES:
        grid = {t: label_counts(candidates, policy=policy, thresholds={},
                                default_threshold=t, labels=labels)
                for t in (THRESHOLD_GRID if policy != "rules" else (1.0,))}
        thresholds: dict[str, float] = {}
        chosen: dict[str, list[int]] = {}
        for label in labels:
            # Ties go to the higher threshold: the same F1 with fewer model spans.
            best = max(grid, key=lambda t, lb=label: (round(_f1(*grid[t][lb]), 6), t))
            thresholds[label] = best
            chosen[label] = grid[best][label]
        tp, fp, fn = (sum(c[i] for c in chosen.values()) for i in range(3))
        by_policy[policy] = {"micro_f1": round(_f1(tp, fp, fn), 4),
                             "micro_p": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                             "micro_r": round(tp / (tp + fn), 4) if tp + fn else 0.0,
                             "thresholds": thresholds, "labels": chosen}
    policy = max(POLICIES, key=lambda p: by_policy[p]["micro_f1"])
    return {"policy": policy, "thresholds": by_policy[policy]["thresholds"],
            "scores": by_policy}


def retune(nlp: Language, dev: Sequence[GoldDoc]) -> dict[str, Any]:
    """Tune ``nlp``'s merge step on ``dev`` and set the chosen policy and thresholds.

    nlp (Language): A pipeline holding ``framing_spancat`` and ``framing_merge``.
    dev (Sequence[GoldDoc]): The dev records.
    RETURNS (dict[str, Any]): The tuning result (see :func:`tune_merge`).
    """
    tuning = tune_merge(collect_candidates(nlp, dev))
    merger = nlp.get_pipe(MERGE_NAME)
    merger.policy = tuning["policy"]
    merger.thresholds = dict(tuning["thresholds"])
    return tuning


def add_trained_devices(nlp: Language, trained: Language, *, merge: Mapping[str, Any]
                        ) -> None:
    """Put the trained span categorizer and the merge step after ``framing_devices``.

    nlp (Language): The English model with the framing rule components.
    trained (Language): The pipeline ``spacy train`` wrote (its ``spancat`` listens to a
        ``tok2vec`` with the same weights as ``nlp``'s).
    merge (Mapping[str, Any]): ``framing_merge`` settings (policy, thresholds).
    """
    anchor = "framing_devices" if "framing_devices" in nlp.pipe_names else nlp.pipe_names[-1]
    if trained.vocab.vectors.shape[0]:
        # Sourcing a component does not bring the vectors its model reads along.
        nlp.vocab.vectors = trained.vocab.vectors
    nlp.add_pipe("spancat", name=SPANCAT_NAME, source=trained, after=anchor)
    nlp.add_pipe("framing_merge", name=MERGE_NAME, after=SPANCAT_NAME, config=dict(merge))


def _vectors_pipeline(vectors_dir: Path, target: Path) -> Path:
    from spacy.vectors import Vectors

    holder = spacy.blank("en")
    vectors = Vectors(strings=holder.vocab.strings)
    vectors.from_disk(vectors_dir)
    holder.vocab.vectors = vectors
    holder.to_disk(target)
    return target


def train_devices(
    gold: Sequence[Path],
    *,
    output: Path,
    dev: Sequence[Path] = (),
    config: Path | None = None,
    texts_root: Path | None = None,
    base_model: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    dev_share: float = 0.15,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train the device span categorizer on codebook annotations and write a pipeline.

    gold (Sequence[Path]): Gold JSONL files or folders to train on.
    output (Path): Folder for the pipeline (training artefacts go to ``output/training``).
    dev (Sequence[Path]): Gold files for dev; default: records marked ``"dev"``, else a
        story-grouped share of ``gold``.
    config (Path | None): A spaCy training config; default: the bundled ``devices.cfg``.
    texts_root (Path | None): Root for records that refer to their text by path.
    base_model (str | None): The English model (default: ``en_core_web_sm`` if installed).
    overrides (Mapping[str, Any] | None): Config overrides, as ``spacy train`` takes them
        (e.g. ``{"training.max_steps": 500}``).
    dev_share (float): Share of stories used for dev when no dev is given.
    log (Callable[[str], None]): Where progress lines go.
    RETURNS (dict[str, Any]): The training summary also written to
        ``output/training/summary.json``.
    """
    from spacy.cli.train import train as spacy_train

    from .._loader import load, resolve_model_name, shipped_model_folder

    base = resolve_model_name(base_model)
    golds = read_annotations(gold, texts_root)
    dev_golds = read_annotations(dev, texts_root) if dev else []
    train_set, dev_set, held = partition(golds, dev_golds, dev_share=dev_share)
    if not train_set or not dev_set:
        raise InputError(", ".join(map(str, gold)), "need at least one record for training "
                         "and one for dev")
    nlp = load(base, profile="rules")
    work = output / "training"
    train_docs = [d for g in train_set if (d := gold_to_doc(g, nlp, labels=DEVICE_LABELS))]
    dev_docs = [d for g in dev_set if (d := gold_to_doc(g, nlp, labels=DEVICE_LABELS))]
    write_docbin(train_docs, work / "train.spacy")
    write_docbin(dev_docs, work / "dev.spacy")
    log(f"framing train: {len(train_docs)} training and {len(dev_docs)} dev documents "
        f"({len(held)} test records held back)")
    settings = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                "paths.base_model": base, **dict(overrides or {})}
    shipped_vectors = shipped_model_folder() / "vectors"
    if "paths.vectors" not in settings and shipped_vectors.is_dir():
        # The bundled config reads static vectors; by default the ones the package ships,
        # which spaCy's initialize takes as a pipeline folder.
        settings["paths.vectors"] = str(_vectors_pipeline(shipped_vectors, work / "vectors"))
    started = time.perf_counter()
    spacy_train(config or bundled_config(), work, overrides=settings)
    seconds = time.perf_counter() - started
    trained = spacy.load(work / "model-best")
    add_trained_devices(nlp, trained, merge={"policy": "union"})
    tuning = retune(nlp, dev_set)
    nlp.to_disk(output)
    summary = {
        "base_model": base,
        "config": str(config or bundled_config()),
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "held_back_test_records": len(held),
        "train_spans": sum(len(d.spans[DEVICES_KEY]) for d in train_docs),
        "training_seconds": round(seconds, 1),
        "merge": tuning,
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    log(f"framing train: {seconds:.0f} s of training; dev micro F1 rules "
        f"{tuning['scores']['rules']['micro_f1']}, model {tuning['scores']['model']['micro_f1']}"
        f", union {tuning['scores']['union']['micro_f1']}; policy {tuning['policy']}; "
        f"pipeline written to {output}")
    return summary
