"""Peak memory and time of `framing tag` on one very long synthetic article.

The article is built from sentences written for this script (no corpus text): varied
combinations of actors, verbs, hedges and quotes, in paragraphs, up to the requested
size. `framing tag` runs in a child process; its peak resident memory is read from
``getrusage(RUSAGE_CHILDREN)`` after it exits.

    python benchmarks/long_article.py [--chars 2000000] [--out benchmarks/results/long_article.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACTORS = ["China", "Beijing", "Russia", "Moscow", "the United States", "Washington",
          "the European Union", "Brussels", "India", "Japan", "Tokyo", "Turkey"]
VERBS = ["may be losing influence over", "has tightened its grip on", "could soon lose ground to",
         "is said to be courting", "appears to be isolating", "will certainly pressure",
         "has quietly offered aid to", "was sidelined in talks with"]
OBJECTS = ["its neighbours", "the port authority", "regional partners", "the smaller states",
           "the new coalition", "the shipping consortium"]
TAILS = ["analysts say", "according to officials", "a spokesperson said on Monday",
         "diplomats told reporters", "critics warned", "the ministry declined to comment"]
QUOTES = ["\"This is clearly a bargaining chip,\" said one researcher.",
          "\"Nobody wants a wider dispute,\" an envoy told reporters.",
          "\"We will respond if we must,\" the minister said.",
          "Some observers suggested that the deal might collapse within weeks."]


def article(chars: int, *, seed: int = 0) -> str:
    """A synthetic English article of about ``chars`` characters, in paragraphs."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.25:
                sentences.append(rng.choice(QUOTES))
            else:
                sentences.append(f"{rng.choice(ACTORS)} {rng.choice(VERBS)} "
                                 f"{rng.choice(OBJECTS)}, {rng.choice(TAILS)}.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=2_000_000)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "long_article.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(article(args.chars), encoding="utf-8")
        report = Path(tmp) / "tags.json"
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "spacy_framing.cli", "tag", str(path),
                               "--output", str(report)], capture_output=True, text=True)
        seconds = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"framing tag failed: {done.stderr.strip()}")
        payload = json.loads(report.read_text(encoding="utf-8"))
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {
        "chars": args.chars,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "sentences": len(payload["sentences"]),
        "spans": len(payload["spans"]),
        "sources": len(payload["sources"]),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
