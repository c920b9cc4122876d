"""Terminal import speed: 100,000 rows (CSV) into SQLite and PostgreSQL, first import and the
idempotent re-import. Goal: >= 5,000 rows/s. Each backend runs in its own process."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

ROWS = 100_000
MERCHANTS = 2_000
MODELS = ["PAX A920", "Newland ME31", "Landi E350", "Centerm K9", "Sunmi P2", "Verifone X990"]


def make_file(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "terminal_id",
                "serial_number",
                "merchant_id",
                "model",
                "comm_type",
                "firmware_version",
                "app_version",
                "install_date",
                "warranty_end",
                "status",
            ]
        )
        for n in range(ROWS):
            writer.writerow(
                [
                    f"{60000000 + n:08d}",
                    f"BENCH{n:010d}",
                    f"898440158{n % MERCHANTS:06d}",
                    MODELS[n % len(MODELS)],
                    "4G" if n % 3 else "Wi-Fi",
                    f"1.{n % 5}.0",
                    "3.2.1",
                    "2025-01-01",
                    "2028-01-01",
                    "正常",
                ]
            )


def run_backend(backend: str) -> dict:
    setup_django(fresh_database(backend, "import"))
    from core.services import import_file
    from merchants.models import Merchant
    from terminals.models import Terminal

    Merchant.objects.bulk_create(
        Merchant(merchant_id=f"898440158{n:06d}", name=f"商户{n}", mcc="5411", region_code="440106")
        for n in range(MERCHANTS)
    )
    path = ROOT / "var" / "bench_terminals.csv"
    if not path.exists():
        make_file(path)
    started = time.perf_counter()
    first = import_file("terminals", path)
    first_seconds = time.perf_counter() - started
    assert first.created == ROWS and not first.errors, first.as_dict()["errors"][:3]
    started = time.perf_counter()
    second = import_file("terminals", path)
    second_seconds = time.perf_counter() - started
    assert second.unchanged == ROWS and Terminal.objects.count() == ROWS
    return {
        "rows": ROWS,
        "first_import_seconds": round(first_seconds, 2),
        "first_import_rows_per_second": round(ROWS / first_seconds),
        "reimport_seconds": round(second_seconds, 2),
        "reimport_rows_per_second": round(ROWS / second_seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run_backend(sys.argv[1])))
        return
    (ROOT / "var" / "bench_terminals.csv").unlink(missing_ok=True)
    results = {}
    for backend in ("sqlite", "postgresql"):
        output = subprocess.run(
            [sys.executable, __file__, backend], capture_output=True, text=True, check=True
        ).stdout
        results[backend] = json.loads(output.strip().splitlines()[-1])
    write_result("import_terminals", {"goal_rows_per_second": 5000, **results})


if __name__ == "__main__":
    main()
