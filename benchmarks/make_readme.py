"""Regenerate the results section of benchmarks/README.md from the commands' JSON output.

    python benchmarks/make_readme.py [--shared ../shared] [--skip-speed]

Runs ``framing benchmark --format json`` on the project's gold (framing devices, hedges,
sources) and on the Szeged hedge files, plus ``benchmarks/speed.py --json`` and
``benchmarks/compare_speed.py --json`` when present, saves every raw JSON under
``benchmarks/results/`` and rewrites the part of README.md between the two markers. Nothing
in that part is typed by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
RESULTS = HERE / "results"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
DEVICE_LABELS = ("LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA",
                 "STRATEGIC_GAME", "DEPENDENCY", "STABILITY", "ESCALATION", "LEGALITY",
                 "EMOTION", "SILENCE")
SZEGED = ("szeged_wiki_a", "szeged_bio_bmc", "szeged_bio_fly", "szeged_bio_hbc")
# How the gold was used while the rules were written (benchmarks/gold/GUIDE.md): rule
# authors read the errors of the development files only; the check files were scored,
# and A4 was annotated while the first rule round was under way.
GOLD_SETS = {
    "development (seed + A1)": ("seed", "basil_c6a0e65c", "basil_2b9468af", "basil_1b96a5db",
                                "basil_8abec8d9"),
    "check (A2 + A3)": ("basil_7f9c83f7", "basil_1ed4f378", "basil_ae243a95", "basil_a4f1d515",
                        "basil_0d10341a", "basil_3ae35b16", "basil_70c75d68"),
    "A4": ("basil_542cd22c", "basil_29ffd053", "basil_84b3c118", "basil_cad4bba5"),
    "A5": ("basil_2b95d2cf", "basil_b4dbeda7",
           "basil_8dac6c12", "basil_0c78e748"),
}


REUSE: dict[str, object] = {"saved": False, "names": set()}


def run_json(command: list[str], name: str) -> dict:
    saved = RESULTS / f"{name}.json"
    if (REUSE["saved"] or name in REUSE["names"]) and saved.is_file():
        return json.loads(saved.read_text(encoding="utf-8"))
    print("$", " ".join(command), file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        sys.exit(f"make_readme.py: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def benchmark(shared: Path, gold: Path | list[Path], labels: tuple[str, ...], name: str,
              *extra: str) -> dict:
    golds = gold if isinstance(gold, list) else [gold]
    return run_json(["framing", "benchmark", *[a for g in golds for a in ("--gold", str(g))],
                     "--texts", str(shared), "--labels", ",".join(labels), "--format", "json",
                     *extra], name)


def sets_table(shared: Path, gold: Path, labels: tuple[str, ...], name: str) -> list[str]:
    rows = ["| gold set | articles | support | P | R | F1 | baseline F1 |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for title, stems in GOLD_SETS.items():
        files = [gold / f"{stem}.jsonl" for stem in stems if (gold / f"{stem}.jsonl").is_file()]
        if not files:
            continue
        slug = title.split()[0].lower()
        result = benchmark(shared, files, labels, f"{name}_{slug}")
        micro = result["micro"]["span_partial"]
        rows.append(f"| {title} | {result['documents']} | {micro['support']} | {fmt(micro)} | "
                    f"{result['baseline']['micro']['span_partial']['f']:.3f} |")
    return rows


def fmt(score: dict) -> str:
    return f"{score['p']:.3f} | {score['r']:.3f} | {score['f']:.3f}"


def label_table(result: dict, level: str) -> list[str]:
    rows = ["| label | support | P | R | F1 | baseline P | baseline R | baseline F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    base = result["baseline"]
    for label, levels in result["labels"].items():
        rows.append(f"| {label} | {levels[level]['support']} | {fmt(levels[level])} | "
                    f"{fmt(base['labels'][label][level])} |")
    for avg in ("micro", "macro"):
        rows.append(f"| **{avg}** | {result[avg][level]['support']} | {fmt(result[avg][level])}"
                    f" | {fmt(base[avg][level])} |")
    return rows


def levels_table(result: dict, label: str) -> list[str]:
    rows = ["| level | support | P | R | F1 | baseline P | baseline R | baseline F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for level in ("span_partial", "span_strict", "sentence"):
        s, b = result["labels"][label][level], result["baseline"]["labels"][label][level]
        rows.append(f"| {level} | {s['support']} | {fmt(s)} | {fmt(b)} |")
    return rows


def _variant_row(name: str, result: dict) -> str:
    micro = result["micro"]
    return (f"| {name} | {micro['span_partial']['support']} | {fmt(micro['span_partial'])} | "
            f"{micro['sentence']['f']:.3f} | "
            f"{result['baseline']['micro']['span_partial']['f']:.3f} |")


def _variants_label_table(results: dict) -> list[str]:
    rows = ["| label | support | rules P / R / F1 | model P / R / F1 | merged P / R / F1 |",
            "|---|---:|---|---|---|"]
    labels = list(results["merged"]["labels"])
    for label in [*labels, "micro"]:
        cells = []
        for variant in ("rules", "model", "merged"):
            r = results[variant]
            s = r["micro"]["span_partial"] if label == "micro" else \
                r["labels"][label]["span_partial"]
            cells.append(f"{s['p']:.2f} / {s['r']:.2f} / {s['f']:.3f}")
        support = (results["merged"]["micro"] if label == "micro"
                   else results["merged"]["labels"][label])["span_partial"]["support"]
        name = f"**{label}**" if label == "micro" else label
        rows.append(f"| {name} | {support} | " + " | ".join(cells) + " |")
    return rows


def devices_model_section(shared: Path) -> list[str]:
    """Rules, model and merged output on the corpus dev and test splits and on the gold;
    the corpus, its agreement, training time and the learning curve."""
    script = HERE / "devices_model.py"
    sets = "dev,test,gold,frozen" if (HERE / "corpus" / "frozen").is_dir() else "dev,test,gold"
    saved = RESULTS / "devices_model.json"
    if saved.is_file() and "frozen" in json.loads(saved.read_text(encoding="utf-8")):
        # The frozen test is scored once, by the run recorded there; never again.
        scores = json.loads(saved.read_text(encoding="utf-8"))
    else:
        scores = run_json([sys.executable, str(script), "score", "--sets", sets, "--json"],
                          "devices_model")
    out = ["### Trained device model (spancat) beside the rules", ""]
    meta_path = HERE.parent / "spacy_framing" / "models" / "devices" / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        training = meta["training"]
        merge = meta["merge_config"]
        out += [f"Shipped model: trained by `framing train` on {training['train_documents']} "
                f"corpus articles ({training['train_spans']} device spans), "
                f"{training['dev_documents']} dev articles for early stopping and the merge "
                f"thresholds; {training['training_seconds']:.0f} s of training on this "
                f"machine (2 CPU cores, shared). Merge policy `{merge['policy']}`, thresholds "
                + ", ".join(f"{k} {v:.2f}" for k, v in merge["thresholds"].items()) + ".", ""]
    titles = {"dev": "corpus dev split (tuned on: thresholds and early stopping)",
              "test": "corpus test split (never trained or tuned on)",
              "gold": "project gold (59 articles; never trained on)",
              "frozen": "frozen test (annotated after the freeze)"}
    out += ["Micro span-partial (codebook section 6), sentence-level micro F1 and the keyword "
            "baseline:", "",
            "| set / output | support | P | R | F1 | sentence F1 | baseline F1 |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for set_name, variants in scores.items():
        for variant in ("rules", "model", "merged"):
            out.append(_variant_row(f"{titles.get(set_name, set_name)}: {variant}",
                                    variants[variant]))
    out.append("")
    for set_name, variants in scores.items():
        out += [f"Per label, span-partial, {titles.get(set_name, set_name)}:", "",
                *_variants_label_table(variants), ""]
    curve_path = RESULTS / "devices_curve.json"
    if curve_path.is_file():
        curve = json.loads(curve_path.read_text(encoding="utf-8"))
        out += ["Learning curve (`python benchmarks/devices_model.py curve`; dev micro "
                "span-partial F1 after tuning):", "",
                "| training articles | steps | training seconds | rules | model | "
                "merged (union) |", "|---:|---:|---:|---:|---:|---:|"]
        for row in curve:
            out.append(f"| {row['train_documents']} | {row.get('max_steps', '')} | "
                       f"{row['training_seconds']:.0f} | "
                       f"{row['dev']['rules']:.3f} | {row['dev']['model']:.3f} | "
                       f"{row['dev']['union']:.3f} |")
        out.append("")
    agreement_path = RESULTS / "corpus_agreement.json"
    if agreement_path.is_file():
        agreement = json.loads(agreement_path.read_text(encoding="utf-8"))
        out += [f"Agreement between two independent annotations of {agreement['articles']} "
                "corpus articles (`python benchmarks/corpus/agreement.py`; F1 of one against "
                "the other):", "",
                "| label | span-partial F1 | sentence F1 | spans (1st / 2nd) |",
                "|---|---:|---:|---|"]
        for label, row in agreement["labels"].items():
            out.append(f"| {label} | {row['span_f1']:.3f} | {row['sentence_f1']:.3f} | "
                       f"{row['spans_first']} / {row['spans_second']} |")
        for name in ("devices", "hedges"):
            row = agreement[f"micro_{name}"]
            out.append(f"| **micro {name}** | {row['span_f1']:.3f} | "
                       f"{row['sentence_f1']:.3f} | |")
        out.append("")
    return out


def _source_parts_row(title: str, result: dict) -> str:
    src = result["sources"]
    return (f"| {title} | {src['speaker']['support']} | {fmt(src['speaker'])} | "
            f"{src['cue']['f']:.3f} | {src['content_chars']['f']:.3f} | "
            f"{src['type_accuracy']} | {src['actor_accuracy']} |")


def attribution_section(shared: Path, gold: Path) -> list[str]:
    """SOURCE on the project gold and on PolNeAR dev, rules profile beside the default
    profile (rules + the trained attribution categorizer)."""
    runs = {profile: benchmark(shared, gold, ("SOURCE",),
                               "gold_sources" if profile == "default" else "gold_sources_rules",
                               "--profile", profile) for profile in ("rules", "default")}
    a5 = [gold / f"{stem}.jsonl" for stem in GOLD_SETS["A5"]]
    runs_a5 = {profile: benchmark(shared, a5, ("SOURCE",), f"gold_sources_a5_{profile}",
                                  "--profile", profile) for profile in ("rules", "default")}
    out = ["### Attribution (SOURCE) on the project gold", "",
           "Speaker span-partial P/R/F1, cue and content (characters) F1, source type and actor "
           "agreement on matched speakers; `rules` is `load(profile=\"rules\")`, `default` adds "
           "the trained attribution categorizer (`spacy_framing/models/sources`).", "",
           "| pipeline | speakers | P | R | F1 | cue F1 | content F1 | type | actor |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for profile in ("rules", "default"):
        out.append(_source_parts_row(f"{profile}, all gold ({runs[profile]['documents']} "
                                     "articles)", runs[profile]))
    for profile in ("rules", "default"):
        out.append(_source_parts_row(f"{profile}, A5 ({runs_a5[profile]['documents']} "
                                     "articles)", runs_a5[profile]))
    src = runs["default"]["sources"]
    out += ["", f"Actor agreement over speakers whose gold actor is a state (default): "
            f"{src['actor_accuracy_named']}. Keyword baseline for SOURCE (unnamed-group nouns) "
            "at span level: F1 "
            f"{runs['default']['baseline']['labels']['SOURCE']['span_partial']['f']:.3f}.", ""]
    polnear = shared / "data" / "polnear" / "dev"
    if not polnear.is_dir():
        return out
    out += ["### Attribution on PolNeAR dev", "",
            "`framing benchmark --gold ../shared/data/polnear/dev --labels SOURCE --profile "
            "PROFILE`; partial match, F1 (P / R). The learned step never read PolNeAR dev: it "
            "trained on PolNeAR train and stopped and was tuned on a seeded tenth of it "
            "(`benchmarks/sources_model.py`).", "",
            "| pipeline | attributions | speaker | speaker strict | cue | content |",
            "|---|---|---|---|---|---|"]
    for profile in ("rules", "default"):
        result = benchmark(shared, polnear, ("SOURCE",), f"polnear_dev_{profile}",
                           "--profile", profile)["sources_polnear"]
        for subset in ("speech", "all"):
            part = result[subset]

            def cell(name: str, match: str = "partial", part: dict = part) -> str:
                score = part[name][match]
                return f"{score['f']:.3f} ({score['p']:.3f} / {score['r']:.3f})"

            out.append(f"| {profile} | {subset} ({part['attributions']:,}) | {cell('speaker')} "
                       f"| {cell('speaker', 'strict')} | {cell('cue')} | {cell('content')} |")
    out.append("")
    return out


def allsides_speed_section() -> list[str]:
    """The whole-AllSides run (``benchmarks/allsides_speed.py``, about 40 minutes on two
    cores): reported from its recorded result, never re-run here."""
    saved = RESULTS / "allsides_speed.json"
    if not saved.is_file():
        return []
    result = json.loads(saved.read_text(encoding="utf-8"))
    runs, cmp = result["runs"], result["compare"]
    plain = runs["plain"]
    out = ["### The whole AllSides corpus (`framing analyze`, `framing compare --from`)", "",
           f"`python benchmarks/allsides_speed.py` (recorded run): "
           f"{runs[cmp['profile']]['documents']:,} articles, {result['words']:,} words, each run a "
           "fresh process timed from start to exit, 2 processes:", "",
           "| run | seconds | ratio to en_core_web_sm | budget | load average after |",
           "|---|---:|---:|---|---|",
           f"| en_core_web_sm, `nlp.pipe(n_process=2)` | {plain['seconds']:,.0f} | 1.000 | | "
           f"{plain['load_average'] or '–'} |"]
    for name, title in (("rules", "`framing analyze --n-process 2 --profile rules`"),
                        ("default", "`framing analyze --n-process 2` (default profile)")):
        if name not in runs:
            continue
        run = runs[name]
        verdict = "met" if run["within_budget"] else "missed"
        out.append(f"| {title} | {run['seconds']:,.0f} | {run['ratio']:.3f} | "
                   f"≤ {result['ratio_budget']} ({verdict}) | {run['load_average'] or '–'} |")
    verdict = "met" if cmp["within_budget"] else "missed"
    out += ["", f"`framing {cmp['command']}` on the {cmp['profile']} output "
            f"({cmp['documents']:,} "
            f"documents): median {cmp['median_seconds']} s over {cmp['rounds']} runs "
            f"({cmp['median_cpu_seconds']} CPU seconds), peak {cmp['peak_mb']:,.0f} MB; budget "
            f"{cmp['budget']['seconds']:.0f} s and {cmp['budget']['mb']:,.0f} MB ({verdict}).",
            ""]
    if result.get("timing"):
        out += [f"How this run was timed: {result['timing']}", ""]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get(
        "FRAMING_SHARED", HERE.parents[1] / "shared")))
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="rebuild the section from the JSON already in benchmarks/results/")
    parser.add_argument("--reuse-some", default="",
                        help="comma-separated result names to take from benchmarks/results/ "
                        "instead of re-running (e.g. speed,compare_speed)")
    parser.add_argument("--with-scale", action="store_true",
                        help="also run benchmarks/scale.py (several minutes)")
    args = parser.parse_args()
    REUSE["saved"] = args.reuse
    REUSE["names"] = {n.strip() for n in args.reuse_some.split(",") if n.strip()}
    shared = args.shared.resolve()
    gold = HERE / "gold"
    out: list[str] = [BEGIN, "",
                      "_Generated by `python benchmarks/make_readme.py`; raw JSON in "
                      "`benchmarks/results/`._", ""]

    devices = benchmark(shared, gold, DEVICE_LABELS, "gold_devices")
    out += [f"### Framing devices on the project gold ({devices['documents']} articles, "
            f"{devices['words']:,} words)", "",
            "Span level, partial overlap (codebook section 6):", "",
            *label_table(devices, "span_partial"), "", "Span level, strict offsets:", "",
            *label_table(devices, "span_strict"), "", "Sentence level:", "",
            *label_table(devices, "sentence"), "",
            "Micro span-partial by gold set (rule authors read the errors of the development "
            "set only; see the error analysis below):", "",
            *sets_table(shared, gold, DEVICE_LABELS, "gold_devices"), ""]

    out += devices_model_section(shared)

    hedges = benchmark(shared, gold, ("HEDGE", "BOOSTER"), "gold_hedges")
    out += ["### Hedges and boosters on the project gold", "",
            *label_table(hedges, "span_partial"), "", "Sentence level:", "",
            *label_table(hedges, "sentence"), "",
            "HEDGE and BOOSTER micro span-partial by gold set:", "",
            *sets_table(shared, gold, ("HEDGE", "BOOSTER"), "gold_hedges"), ""]

    out += attribution_section(shared, gold)

    out += ["### HEDGE on the Szeged Uncertainty Corpus", "",
            "One sentence a record; `--hedge-profile szeged` switches off the cue groups the "
            "Szeged conversion does not annotate (approximators, hearsay, weasel words, "
            "conditions), `codebook` is the default.", "",
            "| file | profile | sentences | cue P | cue R | cue F1 | sentence P | sentence R | "
            "sentence F1 | baseline sentence F1 |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in SZEGED:
        path = shared / "data" / "hedging" / f"{name}.jsonl"
        if not path.is_file():
            continue
        for profile in ("szeged", "codebook"):
            result = benchmark(shared, path, ("HEDGE",), f"{name}_{profile}",
                               "--hedge-profile", profile)
            h = result["labels"]["HEDGE"]
            out.append(f"| {name} | {profile} | {result['documents']} | "
                       f"{fmt(h['span_partial'])} | {fmt(h['sentence'])} | "
                       f"{result['baseline']['labels']['HEDGE']['sentence']['f']:.3f} |")
    out.append("")

    if not args.skip_speed:
        speed = run_json([sys.executable, str(HERE / "speed.py"), "--json"], "speed")
        out += ["### Speed", "",
                f"`python benchmarks/speed.py` over {speed['texts']} BASIL articles "
                f"({speed['words']:,} words), median of {speed['rounds']} alternating rounds:",
                "", "| pipeline | words/s | time ratio to en_core_web_sm | target |",
                "|---|---:|---:|---|",
                f"| en_core_web_sm alone | {speed['plain_words_per_second']:,.0f} | 1.000 | |"]
        for name, title in (("rules", "profile=\"rules\" (rule components)"),
                            ("default", "default (rules + trained device model)")):
            met = "met" if speed[f"{name}_meets_target"] else "missed"
            out.append(f"| {title} | {speed[f'{name}_words_per_second']:,.0f} | "
                       f"{speed[f'{name}_ratio']:.3f} | ≤ {speed[f'{name}_target']:.2f} "
                       f"({met}) |")
        out.append("")
        compare_script = HERE / "compare_speed.py"
        if compare_script.is_file():
            cmp = run_json([sys.executable, str(compare_script), "--json"], "compare_speed")
            seconds, warm = cmp["seconds"], cmp.get("warm_seconds", {})
            out += [f"`python benchmarks/compare_speed.py`: `framing compare` on the two seed "
                    f"articles (target {cmp['target']}, {cmp['n_bootstrap']} bootstrap "
                    f"resamples, {cmp['n_permutations']} permutations) against a fresh process "
                    "that imports spaCy, loads en_core_web_sm and parses the same texts; "
                    f"median of {cmp['rounds']} alternating rounds:", "",
                    "| run | seconds (median) | ratio to baseline |", "|---|---:|---:|",
                    f"| baseline: load + parse | {seconds['baseline']['median']:.2f} | 1.00 |",
                    f"| `framing compare` CLI | {seconds['cli']['median']:.2f} | "
                    f"{cmp['ratio']['cli']:.2f} |",
                    f"| `spacy_framing.compare()` in a fresh process | "
                    f"{seconds['api']['median']:.2f} | {cmp['ratio']['api']:.2f} |"]
            inner = cmp.get("after_imports_seconds")
            if inner:
                out.append(f"| fresh process, imports excluded: compare vs load + parse | "
                           f"{inner['api']['median']:.2f} vs "
                           f"{inner['baseline']['median']:.2f} | "
                           f"{cmp['ratio']['after_imports']:.2f} |")
            if warm:
                out.append(f"| imports done (warm): compare vs load + parse | "
                           f"{warm['compare']['median']:.2f} vs "
                           f"{warm['baseline']['median']:.2f} | {cmp['ratio']['warm']:.2f} |")
            verdicts = ", ".join(f"{name} {'met' if ok else 'missed'}"
                                 for name, ok in cmp["within_budget"].items())
            out += ["", f"Target ≤ {cmp['budget']}: {verdicts}.", ""]
    if args.with_scale:
        scale = run_json([sys.executable, str(HERE / "scale.py"), "--shared", str(shared),
                          "--json"], "scale")
        out += ["### Corpus runs (`framing analyze`)", "",
                f"`python benchmarks/scale.py` over {scale['records']} BASIL articles, batch "
                f"size {scale['batch_size']}, {scale['cpu_count']} CPUs:", "",
                "| run | documents/s | words/s | seconds | CPU seconds | peak RSS MB | "
                "load average before/after |", "|---|---:|---:|---:|---:|---:|---|"]
        for key in ("plain_en_core_web_sm", "analyze_1_process", "analyze_2_processes",
                    "analyze_dask_2_workers", "memory_1x", "memory_10x"):
            if key in scale:
                r = scale[key]
                out.append(f"| {key} | {r['documents_per_s']:.2f} | {r['words_per_s']:,.0f} | "
                           f"{r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
                           f"{format(r['peak_rss_mb'], '.0f') if 'peak_rss_mb' in r else '–'} | "
                           f"{r.get('load_average')} |")
        out += ["", "| ratio | value | target |", "|---|---:|---|"]
        for key, value in scale["ratios"].items():
            target = scale["targets"].get(key.removesuffix("_cpu"))
            out.append(f"| {key} | {value:.3f} | {target if target is not None else ''} |")
        out.append("")
    out += allsides_speed_section()
    out.append(END)

    text = README.read_text(encoding="utf-8") if README.exists() else f"{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(head + "\n".join(out) + tail, encoding="utf-8")
    print(f"wrote {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
