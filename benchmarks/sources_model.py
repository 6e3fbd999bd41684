"""Train, ship and score the learned attribution step of ``framing_sources``.

    python benchmarks/sources_model.py data [--work DIR]     # PolNeAR + corpus -> DocBin
    python benchmarks/sources_model.py train [--work DIR]    # spaCy's own training
    python benchmarks/sources_model.py tune [--work DIR]     # merge thresholds on tune set
    python benchmarks/sources_model.py ship [--work DIR]     # copy into the package
    python benchmarks/make_readme.py                          # score (both profiles)

Training data: PolNeAR ``train`` (``../shared/data/polnear/train``; the ``dev`` compartment
is never read here, it is what ``score`` reports) and the SOURCE spans of the training
corpus' ``train`` split (``benchmarks/corpus/annotations``). A seeded tenth of the PolNeAR
training articles and the corpus ``dev`` split are the tuning set: spaCy's training stops
on it and ``tune`` picks the merge thresholds on it. ``make_readme.py`` scores PolNeAR dev and the
project gold with the rules profile and the default profile.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import spacy
from devices_model import shared_root  # benchmarks/ is on the path of its own scripts
from spacy.language import Language

from spacy_framing._loader import load, load_base, tok2vec_sha256
from spacy_framing.benchmark import GoldDoc, predicted_spans, read_gold
from spacy_framing.polnear import score_polnear
from spacy_framing.training.attribution import SOURCES_MODEL_KEY, attribution_docs
from spacy_framing.training.docbin import write_docbin

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus" / "annotations"
GOLD = ROOT / "benchmarks" / "gold"
RESULTS = ROOT / "benchmarks" / "results"
CONFIG = ROOT / "configs" / "sources.cfg"
PACKAGE_MODEL = ROOT / "spacy_framing" / "models" / "sources"
DEFAULT_WORK = Path("/tmp/framing-sources-model")
TUNE_SHARE = 0.1
SEED = 20261206


def _in_tune_set(doc_id: str) -> bool:
    digest = hashlib.sha256(f"{SEED}:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < TUNE_SHARE


def _read(paths: list[Path]) -> list[GoldDoc]:
    golds, errors = read_gold(paths, texts_root=shared_root())
    for error in errors:  # PolNeAR train holds a few empty annotation files
        print(f"skipped: {error}")
    return golds


def split() -> tuple[list[GoldDoc], list[GoldDoc]]:
    """(train, tune): PolNeAR train by a seeded article hash, the corpus by its split."""
    polnear = _read([shared_root() / "data" / "polnear" / "train"])
    corpus = [g for g in _read([CORPUS]) if any(s.label == "SOURCE" for s in g.spans)]
    train = [g for g in polnear if not _in_tune_set(g.doc_id)]
    tune = [g for g in polnear if _in_tune_set(g.doc_id)]
    train += [g for g in corpus if g.meta.get("split") == "train"]
    tune += [g for g in corpus if g.meta.get("split") == "dev"]
    return train, tune


def cmd_data(work: Path) -> None:
    started = time.perf_counter()
    train, tune = split()
    nlp = load_base()
    for name, golds in (("train", train), ("dev", tune)):
        docs = attribution_docs(golds, nlp)
        write_docbin(docs, work / f"{name}.spacy")
        labels: dict[str, int] = {}
        for doc in docs:
            for span in doc.spans[SOURCES_MODEL_KEY]:
                labels[span.label_] = labels.get(span.label_, 0) + 1
        print(f"{name}: {len(docs)} docs, {sum(len(d) for d in docs)} tokens, {labels}")
    print(f"data written to {work} in {time.perf_counter() - started:.0f} s")
    # results/sources_data.log keeps this output of the shipped model's run.


def cmd_train(work: Path, overrides: list[str]) -> None:
    from spacy.cli._util import parse_config_overrides
    from spacy.cli.train import train as spacy_train

    from spacy_framing._loader import resolve_model_name

    settings: dict[str, Any] = {"paths.train": str(work / "train.spacy"),
                                "paths.dev": str(work / "dev.spacy"),
                                "paths.base_model": resolve_model_name(None)}
    settings.update(parse_config_overrides(overrides))
    started = time.perf_counter()
    spacy_train(CONFIG, work / "training", overrides=settings)
    seconds = round(time.perf_counter() - started, 1)
    (work / "training_seconds.json").write_text(json.dumps({"seconds": seconds}) + "\n")
    print(f"trained in {seconds} s")


SPANCAT_NAME = "framing_sources_spancat"
GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def _pipeline(model_dir: Path) -> Language:
    """The rules pipeline with the trained categorizer from ``model_dir`` before
    framing_sources (thresholds are set by the caller)."""
    nlp = load(profile="rules")
    trained = spacy.load(model_dir)
    nlp.add_pipe("spancat", name=SPANCAT_NAME, source=trained, before="framing_sources")
    return nlp


def _speaker_f1(golds: list[GoldDoc], docs: list[Any], subset: str) -> dict[str, float]:
    preds = [[p for p in predicted_spans(doc) if not gold.is_unannotated(p.start, p.end)]
             for gold, doc in zip(golds, docs, strict=True)]
    scores = score_polnear(golds, preds)[subset]
    return {"speaker": scores["speaker"]["partial"]["f"], "cue": scores["cue"]["partial"]["f"],
            "speaker_p": scores["speaker"]["partial"]["p"]}


def cmd_tune(work: Path) -> None:
    """Pick the thresholds on the tuning set: PolNeAR speech speakers and cues, and the
    corpus dev SOURCE speakers, weighted equally."""
    _, tune = split()
    polnear = [g for g in tune if g.meta.get("format") == "polnear"]
    corpus = [g for g in tune if g.meta.get("format") != "polnear"]
    nlp = _pipeline(work / "training" / "model-best")
    sources = nlp.get_pipe("framing_sources")
    started = time.perf_counter()
    docs_p = list(nlp.pipe(g.text for g in polnear))
    docs_c = list(nlp.pipe(g.text for g in corpus))
    print(f"tuning set parsed in {time.perf_counter() - started:.0f} s")
    rows = []
    for speaker in GRID:
        for cue in GRID:
            sources.speaker_threshold, sources.cue_threshold = speaker, cue
            for doc in (*docs_p, *docs_c):
                sources(doc)
            on_p = _speaker_f1(polnear, docs_p, "speech")
            on_c = _speaker_f1(corpus, docs_c, "all")
            objective = (on_p["speaker"] + on_p["cue"]) / 2 + on_c["speaker"]
            rows.append({"speaker_threshold": speaker, "cue_threshold": cue,
                         "polnear_tune": on_p, "corpus_dev": on_c,
                         "objective": round(objective, 4)})
            print(json.dumps(rows[-1]))
    best = max(rows, key=lambda r: (r["objective"], r["speaker_threshold"],
                                    r["cue_threshold"]))
    rules = next(r for r in rows if r["speaker_threshold"] == r["cue_threshold"] == 1.0)
    summary = {"best": best, "rules_only": rules, "grid": rows}
    (work / "tuning.json").write_text(json.dumps(summary, indent=1) + "\n")
    # The shipped model's tuning is kept as results/sources_model_tuning.json.
    print("best", json.dumps(best), "\nrules only", json.dumps(rules))


def cmd_ship(work: Path) -> None:
    """Copy the trained categorizer and the tuned thresholds into the package."""
    tuning = json.loads((work / "tuning.json").read_text())["best"]
    trained = spacy.load(work / "training" / "model-best")
    base = load_base()
    if PACKAGE_MODEL.exists():
        shutil.rmtree(PACKAGE_MODEL)
    PACKAGE_MODEL.mkdir(parents=True)
    trained.get_pipe("spancat").to_disk(PACKAGE_MODEL / SPANCAT_NAME, exclude=["vocab"])
    config = trained.config["components"]["spancat"]
    meta = {
        "spancat_factory": config["factory"],
        "spancat_name": SPANCAT_NAME,
        "spancat_config": {k: v for k, v in config.items() if k != "factory"},
        "listens_to_tok2vec_sha256": tok2vec_sha256(base),
        "sources_config": {"speaker_threshold": tuning["speaker_threshold"],
                           "cue_threshold": tuning["cue_threshold"]},
        "training": {
            "config": "configs/sources.cfg",
            "seconds": json.loads((work / "training_seconds.json").read_text())["seconds"],
            "tuning": tuning,
            "data": "PolNeAR train (minus a seeded tenth for tuning) + corpus train SOURCE",
        },
    }
    (PACKAGE_MODEL / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"shipped to {PACKAGE_MODEL}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["data", "train", "tune", "ship"])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args, rest = parser.parse_known_args(argv)
    if args.command == "data":
        cmd_data(args.work)
    elif args.command == "train":
        cmd_train(args.work, rest)
    elif args.command == "tune":
        cmd_tune(args.work)
    else:
        cmd_ship(args.work)


if __name__ == "__main__":
    main()
