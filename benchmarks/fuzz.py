"""The fuzz properties of tests/test_fuzz.py with the long Hypothesis profile.

Runs pytest on tests/test_fuzz.py with ``FRAMING_FUZZ_PROFILE=long`` (>= 10,000 examples
for the readers and record parsers; fewer for the properties that parse with the model,
see ``_EXAMPLES`` there) and writes the examples run and the failures to
benchmarks/results/fuzz.json.

    python benchmarks/fuzz.py [--profile long] [--out benchmarks/results/fuzz.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="long")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "fuzz.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stats, junit = Path(tmp) / "stats.json", Path(tmp) / "junit.xml"
        env = {**os.environ, "FRAMING_FUZZ_PROFILE": args.profile,
               "FRAMING_FUZZ_STATS": str(stats)}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p",
             "no:cacheprovider", f"--junitxml={junit}"], cwd=REPO, env=env,
            capture_output=True, text=True)
        seconds = time.monotonic() - started
        examples = json.loads(stats.read_text(encoding="utf-8"))["examples"] \
            if stats.is_file() else {}
        failures = []
        if junit.is_file():
            for case in ElementTree.parse(junit).iter("testcase"):
                for problem in (*case.iter("failure"), *case.iter("error")):
                    failures.append({"test": case.get("name"),
                                     "message": (problem.get("message") or "")[:500]})
    result = {
        "profile": args.profile,
        "examples": examples,
        "examples_total": sum(examples.values()),
        "failures": failures,
        "pytest_exit_code": done.returncode,
        "seconds": round(seconds, 1),
        "python": platform.python_version(),
        "summary": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    if done.returncode != 0:
        print(done.stdout[-4000:], file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
