"""Build time of the four rule components, on one loaded en_core_web_sm.

    python benchmarks/build_time.py [--rounds 15]

Each round adds framing_actors, framing_devices, framing_hedges and framing_sources to the
loaded model (actors read their files on first use, so that read is counted), then runs
each on one parsed sentence (what a first Doc costs on top: lazy phrase Docs, matchers),
and removes them again. Prints the best and the median total over the rounds, and the
median per component, in milliseconds. The first round warms caches and is not counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

from spacy_framing import FRAMING_PIPES
from spacy_framing._loader import load_base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # no-parse and profile warnings are not the point here
    nlp = load_base()
    parsed = nlp("Officials in Beijing said the deal was a stranglehold, perhaps.")
    build: dict[str, list[float]] = {name: [] for name in FRAMING_PIPES}
    first_doc: dict[str, list[float]] = {name: [] for name in FRAMING_PIPES}
    for round_ in range(args.rounds + 1):
        for factory in FRAMING_PIPES:
            name = f"{factory}_{round_}"
            started = time.perf_counter()
            pipe = nlp.add_pipe(factory, name=name)
            if hasattr(pipe, "known_actors"):
                pipe.known_actors()  # framing_actors reads its files on first use
            built = time.perf_counter()
            pipe(parsed.copy())
            done = time.perf_counter()
            nlp.remove_pipe(name)
            if round_:
                build[factory].append((built - started) * 1000)
                first_doc[factory].append((done - started) * 1000)
    result = {}
    for label, data in (("build", build), ("build_and_first_doc", first_doc)):
        totals = [sum(values) for values in zip(*data.values(), strict=True)]
        result[label] = {
            "best_total_ms": round(min(totals), 1),
            "median_total_ms": round(statistics.median(totals), 1),
            "median_ms": {name: round(statistics.median(values), 1)
                          for name, values in data.items()},
        }
    if args.json:
        print(json.dumps(result))
        return
    for label, data in result.items():
        parts = "  ".join(f"{name}: {value:.1f}" for name, value in data["median_ms"].items())
        print(f"{label}: best {data['best_total_ms']:.1f} ms, median "
              f"{data['median_total_ms']:.1f} ms  ({parts})")


if __name__ == "__main__":
    main()
