"""Write assistant/data/train.jsonl from the phrase files (see assistant/nlu/phrases.py).

Run from the repository root:  python assistant/data/build_train.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assistant.nlu.phrases import TRAIN_FILE, build_rows, render  # noqa: E402


def main() -> None:
    rows = build_rows()
    TRAIN_FILE.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {TRAIN_FILE}")


if __name__ == "__main__":
    main()
