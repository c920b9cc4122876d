"""manage.py ledger_audit: recompute the ledger and compare it with the live records."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger import audit


class Command(BaseCommand):
    help = (
        "Recompute every entry and the tree, check every checkpoint against the next, and "
        "report each record changed or deleted after it was logged. Exit 1 on a finding."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")

    def handle(self, *args: Any, json: bool = False, **options: Any) -> None:
        run = audit.run_and_store(progress=lambda text: self.stderr.write(text))
        if json:
            self.stdout.write(_dump({"summary": run.summary, "findings": run.findings}))
        else:
            summary = run.summary
            self.stdout.write(
                f"审计 / audit: {summary['entries']} entries, {summary['records']} records, "
                f"{summary['checkpoints']} checkpoints, {summary['pending']} not yet sequenced"
            )
            for finding in run.findings:
                self.stdout.write(describe(finding))
        if not run.ok:
            raise CommandError(f"审计发现问题 / the audit found problems: {run.summary['counts']}")
        self.stdout.write("✔ 审计通过 / audit passed")


def _dump(value: Any) -> str:
    return jsonlib.dumps(value, ensure_ascii=False, indent=2)


def describe(finding: dict[str, Any]) -> str:
    problem = finding["problem"]
    record = f"{finding['kind']} #{finding['record']}"
    if problem == "modified":
        return (
            f"✘ 记录后被修改 / modified after recording: {record}, field {finding['field']}, "
            f"logged {finding['logged_at']} (entry {finding['index']})"
        )
    if problem == "deleted":
        return (
            f"✘ 记录后被删除 / deleted after recording: {record}, "
            f"logged {finding['logged_at']} (entry {finding['index']})"
        )
    if problem == "unlogged":
        return f"✘ 未记录 / record without an entry: {record}"
    return f"✘ {problem}: {record if finding['kind'] else ''} {finding['detail']}".rstrip()
