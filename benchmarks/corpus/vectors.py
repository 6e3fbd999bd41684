"""Train the floret word vectors the device model reads, on unlabelled AllSides news.

    python benchmarks/corpus/vectors.py [--output DIR]

en_core_web_sm has no static vectors, so a paraphrase the annotators marked ("the weakening
of Russia's position") shares nothing with one the model has seen ("losing influence")
unless the words are close in a vector space. floret (fastText with subword hashing into a
fixed number of rows) keeps the table small enough to ship: ``BUCKETS`` rows of ``DIM``
floats.

Which text: the AllSides articles whose seeded hash puts them in the *vectors half*, minus
every article the training corpus draw holds for dev or test. The frozen test set is drawn
from the other half only (``draw.py --half test``), so no article scored as held-out text
has been read, even unlabelled, by any part of the model.

Steps: tokenize with spaCy's English tokenizer (the tokens the pipeline will look up),
train floret (CBOW), then ``python -m spacy init vectors en vectors.floret DIR --mode
floret`` writes a spaCy vectors table to ``DIR``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from draw import SEED, vectors_half
from regions import shared_root

ROOT = Path(__file__).resolve().parents[2]
DIM = 96
BUCKETS = 20000
MINN, MAXN = 4, 5
EPOCHS = 5


def held_out_ids() -> set[str]:
    """Corpus articles kept for dev and test: never read by the vectors either."""
    draw = ROOT / "benchmarks" / "corpus" / "draw.jsonl"
    held: set[str] = set()
    for line in draw.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["split"] != "train":
            held.add(entry["id"])
    return held


def write_tokens(target: Path) -> int:
    """Write the vectors' training text, one article a line, spaCy tokens space-separated."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    held = held_out_ids()
    lines = 0
    with (shared_root() / "data/allsides/international.jsonl").open(encoding="utf-8") as src, \
            target.open("w", encoding="utf-8") as out:
        for line in src:
            record = json.loads(line)
            if not vectors_half(record["id"]) or record["id"] in held:
                continue
            tokens = [t.text for t in tokenizer(record["text"]) if not t.is_space]
            out.write(" ".join(tokens) + "\n")
            lines += 1
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("/tmp/framing-vectors"))
    args = parser.parse_args()
    import floret

    with tempfile.TemporaryDirectory() as work:
        text = Path(work) / "tokens.txt"
        articles = write_tokens(text)
        print(f"{articles} articles tokenized", file=sys.stderr)
        model = floret.train_unsupervised(
            str(text), model="cbow", mode="floret", hashCount=2, bucket=BUCKETS,
            minn=MINN, maxn=MAXN, dim=DIM, epoch=EPOCHS, minCount=3, thread=2)
        floret_file = Path(work) / "vectors.floret"
        model.save_floret_vectors(str(floret_file))
        subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "en",
                        str(floret_file), str(args.output), "--mode", "floret"], check=True)
    summary = {"articles": articles, "dim": DIM, "buckets": BUCKETS, "minn": MINN,
               "maxn": MAXN, "epochs": EPOCHS, "seed": SEED}
    (args.output / "vectors_summary.json").write_text(json.dumps(summary, indent=1) + "\n",
                                                     encoding="utf-8")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
