"""Train, ship and score the framing-device model from the training corpus.

    python benchmarks/devices_model.py train [--articles N] [--output DIR]
    python benchmarks/devices_model.py ship DIR      # copy DIR's model into the package
    python benchmarks/devices_model.py score [--model DIR] [--sets dev,test,gold]
    python benchmarks/devices_model.py curve         # learning curve: 25/50/100/all

``train`` runs ``framing train`` (spaCy's own training on configs/devices.cfg) on the
corpus annotations of ``benchmarks/corpus/annotations``: split ``train`` to learn, ``dev``
to stop training and tune the merge; ``test`` is never read. ``ship`` copies the trained
``spancat`` and the merge settings into ``spacy_framing/models/devices`` (package data),
with the checksum of the tok2vec weights it listens to. ``score`` writes per-label tables
for the rules, the model alone and the merged output to ``benchmarks/results``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import spacy

from spacy_framing._loader import load, tok2vec_sha256
from spacy_framing.benchmark import read_gold, run_benchmark
from spacy_framing.training import train_devices
from spacy_framing.training.docbin import DEVICE_LABELS
from spacy_framing.training.run import MERGE_NAME, SPANCAT_NAME, retune

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus" / "annotations"
GOLD = ROOT / "benchmarks" / "gold"
FROZEN = ROOT / "benchmarks" / "corpus" / "frozen" / "adjudicated"
RESULTS = ROOT / "benchmarks" / "results"
PACKAGE_MODEL = ROOT / "spacy_framing" / "models" / "devices"
SEED = 20261206


def shared_root() -> Path:
    """``$FRAMING_SHARED``, else ``../shared`` beside the repository."""
    configured = os.environ.get("FRAMING_SHARED")
    return Path(configured) if configured else ROOT.parent / "shared"


def _subset(articles: int | None, work: Path) -> list[Path]:
    """The corpus, or a seeded draw of ``articles`` training articles (dev kept whole)."""
    if articles is None:
        return [CORPUS]
    records = [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl"))
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    train = [r for r in records if r["meta"].get("split") == "train"]
    rest = [r for r in records if r["meta"].get("split") == "dev"]
    random.Random(SEED).shuffle(train)
    path = work / f"subset_{articles}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in train[:articles] + rest),
                    encoding="utf-8")
    return [path]


def train(output: Path, articles: int | None = None, **overrides: Any) -> dict[str, Any]:
    """Train on the corpus (or a subset) and write the pipeline to ``output``."""
    with tempfile.TemporaryDirectory() as work:
        gold = _subset(articles, Path(work))
        if output.exists():
            shutil.rmtree(output)
        return train_devices(gold, output=output, texts_root=shared_root(),
                             overrides=overrides)


def retune_pipeline(pipeline: Path) -> None:
    """Re-tune the merge thresholds of a trained pipeline on the corpus dev split (after a
    change of the threshold grid; the trained weights stay as they are)."""
    nlp = spacy.load(pipeline)
    dev = [g for g in read_gold([CORPUS], texts_root=shared_root())[0]
           if g.meta.get("split") == "dev"]
    tuning = retune(nlp, dev)
    nlp.to_disk(pipeline)
    summary_path = pipeline / "training" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["merge"] = tuning
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print({p: v["micro_f1"] for p, v in tuning["scores"].items()}, tuning["policy"])


def ship(pipeline: Path) -> None:
    """Copy the trained spancat and merge settings of ``pipeline`` into the package."""
    nlp = spacy.load(pipeline)
    config = nlp.config["components"]
    spancat_config = {k: v for k, v in config[SPANCAT_NAME].items() if k != "factory"}
    merge_config = {k: v for k, v in config[MERGE_NAME].items() if k not in {"factory"}}
    merger = nlp.get_pipe(MERGE_NAME)
    merge_config.update(policy=merger.policy, thresholds=merger.thresholds)
    summary = json.loads((pipeline / "training" / "summary.json").read_text(encoding="utf-8"))
    if PACKAGE_MODEL.exists():
        shutil.rmtree(PACKAGE_MODEL)
    PACKAGE_MODEL.mkdir(parents=True)
    # The pipe would write the whole vocab (strings and vectors) again; the vectors ship once.
    nlp.get_pipe(SPANCAT_NAME).to_disk(PACKAGE_MODEL / SPANCAT_NAME, exclude=["vocab"])
    listens = spancat_config["model"]["tok2vec"]["@architectures"].startswith(
        "spacy.Tok2VecListener")
    vectors = None
    if nlp.vocab.vectors.shape[0]:
        vectors = "vectors"
        nlp.vocab.vectors.to_disk(PACKAGE_MODEL / vectors)
    meta = {
        "spancat_name": SPANCAT_NAME, "spancat_factory": config[SPANCAT_NAME]["factory"],
        "spancat_config": spancat_config,
        "merge_name": MERGE_NAME, "merge_config": merge_config,
        "listens_to_tok2vec_sha256": tok2vec_sha256(nlp) if listens else None,
        "vectors": vectors, "base_model": summary["base_model"],
        "labels": list(DEVICE_LABELS), "training": summary,
    }
    (PACKAGE_MODEL / "meta.json").write_text(json.dumps(meta, indent=2) + "\n",
                                             encoding="utf-8")
    size = sum(p.stat().st_size for p in PACKAGE_MODEL.rglob("*") if p.is_file())
    print(f"shipped {pipeline} -> {PACKAGE_MODEL} ({size / 1e6:.1f} MB)")


def _golds(name: str, root: Path) -> list[Any]:
    if name == "gold":
        docs, errors = read_gold([GOLD], texts_root=root)
    elif name == "frozen":
        docs, errors = read_gold([FROZEN], texts_root=root)
    else:
        docs, errors = read_gold([CORPUS], texts_root=root)
        docs = [d for d in docs if d.meta.get("split") == name]
    if errors:
        raise SystemExit(str(errors[0]))
    return docs


def _training_summary(model: str | None) -> dict[str, Any]:
    if model:
        path = Path(model) / "training" / "summary.json"
        return json.loads(path.read_text(encoding="utf-8"))
    meta = json.loads((PACKAGE_MODEL / "meta.json").read_text(encoding="utf-8"))
    return meta["training"]


def score(model: str | None, sets: list[str]) -> dict[str, Any]:
    """Rules, model alone and merged output on each set, per label (span-partial etc.)."""
    root = shared_root()
    variants = {"rules": load(profile="rules")}
    merged = load(model) if model else load()
    if MERGE_NAME not in merged.pipe_names:
        raise SystemExit("the pipeline has no trained device model")
    variants["merged"] = merged
    model_only = load(model) if model else load()
    # The model alone with the thresholds tuned for it on dev (not the union's).
    merger = model_only.get_pipe(MERGE_NAME)
    merger.policy = "model"
    merger.thresholds = dict(_training_summary(model)["merge"]["scores"]["model"]["thresholds"])
    variants["model"] = model_only
    results: dict[str, Any] = {}
    for name in sets:
        golds = _golds(name, root)
        results[name] = {}
        for variant, nlp in variants.items():
            started = time.perf_counter()
            result = run_benchmark(nlp, golds, labels=DEVICE_LABELS)
            result["seconds"] = round(time.perf_counter() - started, 1)
            results[name][variant] = result
            micro = result["micro"]["span_partial"]
            print(f"{name:<5} {variant:<7} docs={result['documents']:>3} "
                  f"P={micro['p']:.3f} R={micro['r']:.3f} F1={micro['f']:.3f} "
                  f"sentence F1={result['micro']['sentence']['f']:.3f} "
                  f"baseline F1={result['baseline']['micro']['span_partial']['f']:.3f}",
                  file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    train_parser = commands.add_parser("train")
    train_parser.add_argument("--articles", type=int, default=None)
    train_parser.add_argument("--output", type=Path, default=Path("/tmp/framing-devices"))
    train_parser.add_argument("--max-steps", type=int, default=None)
    commands.add_parser("ship").add_argument("pipeline", type=Path)
    commands.add_parser("retune").add_argument("pipeline", type=Path)
    score_parser = commands.add_parser("score")
    score_parser.add_argument("--model", default=None)
    score_parser.add_argument("--sets", default="dev,test,gold")
    score_parser.add_argument("--json", action="store_true", help="print one JSON object")
    curve_parser = commands.add_parser("curve")
    curve_parser.add_argument("--sizes", default="25,50,100,all")
    curve_parser.add_argument("--max-steps", type=int, default=1500)
    curve_parser.add_argument("--vectors", default=None,
                              help="floret vectors folder (default: the shipped ones)")
    args = parser.parse_args()
    if args.command == "train":
        overrides = {"training.max_steps": args.max_steps} if args.max_steps else {}
        summary = train(args.output, args.articles, **overrides)
        print(json.dumps({k: v for k, v in summary.items() if k != "merge"}))
    elif args.command == "ship":
        ship(args.pipeline)
    elif args.command == "retune":
        retune_pipeline(args.pipeline)
    elif args.command == "score":
        results = score(args.model, args.sets.split(","))
        if args.json:
            print(json.dumps(results))
    else:
        curve_path = RESULTS / "devices_curve.json"
        curve: list[dict[str, Any]] = (json.loads(curve_path.read_text(encoding="utf-8"))
                                       if curve_path.is_file() else [])
        overrides: dict[str, Any] = {"training.max_steps": args.max_steps}
        if args.vectors:
            overrides["paths.vectors"] = args.vectors
        for size in args.sizes.split(","):
            articles = None if size == "all" else int(size)
            with tempfile.TemporaryDirectory() as out:
                summary = train(Path(out) / "model", articles, **overrides)
            union = summary["merge"]["scores"]
            row = {"articles": articles or summary["train_documents"],
                   "train_documents": summary["train_documents"],
                   "max_steps": args.max_steps,
                   "training_seconds": summary["training_seconds"],
                   "dev": {p: union[p]["micro_f1"] for p in union}}
            # Several curve runs may share the file (one per size, in parallel).
            if curve_path.is_file():
                curve = json.loads(curve_path.read_text(encoding="utf-8"))
            curve = [r for r in curve if r["train_documents"] != row["train_documents"]]
            curve = sorted([*curve, row], key=lambda r: r["train_documents"])
            curve_path.write_text(json.dumps(curve, indent=1) + "\n", encoding="utf-8")
            print(json.dumps(row))


if __name__ == "__main__":
    main()
