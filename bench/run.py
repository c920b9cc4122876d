"""Run every benchmark in bench/ (bench_*.py), each in its own process; results land in
bench/results/<name>.json. `make bench` calls this; `python bench/run.py NAME` runs one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if selected:
        scripts = [s for s in scripts if any(name in s.stem for name in selected)]
    failures = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {script.stem}: exit {code} in {time.monotonic() - started:.0f}s", flush=True)
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
