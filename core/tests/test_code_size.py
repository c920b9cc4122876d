"""Size limits on application code (issue 9): no function over 80 lines and no module over 800
lines, unless a one-line reason stands beside it — a `# size: <reason>` comment on the line
above the function (above its decorators) or on its `def` line, or, for a module, after its
docstring (before its first statement). Tests, migrations and benchmarks are not application
code."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "migrations", "tests", "bench", "var", "node_modules", ".git"}
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 800
MARK = "# size:"


def application_modules() -> Iterator[Path]:
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(".py") and name != "conftest.py":
                yield Path(folder) / name


def _has_reason(line: str) -> bool:
    mark = line.find(MARK)
    return mark >= 0 and bool(line[mark + len(MARK) :].strip())


def oversized(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    name = path.relative_to(ROOT).as_posix()
    found = []
    tree = ast.parse(source)
    header = lines[: min([len(lines), *(node.lineno for node in tree.body[1:])])]
    if len(lines) > MAX_MODULE_LINES and not any(_has_reason(line) for line in header):
        found.append(f"{name}: {len(lines)} lines")
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length <= MAX_FUNCTION_LINES:
            continue
        top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        beside = [lines[top - 2] if top >= 2 else "", lines[node.lineno - 1]]
        if not any(_has_reason(line) for line in beside):
            found.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_no_function_or_module_over_the_limits_without_a_reason():
    modules = list(application_modules())
    assert len(modules) > 50  # the walk found the apps
    problems = [problem for path in modules for problem in oversized(path)]
    assert problems == [], "over the size limits, with no '# size: <reason>' beside them"


def test_the_check_notices_a_long_function(tmp_path, monkeypatch):
    monkeypatch.setattr("core.tests.test_code_size.ROOT", tmp_path)
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n")
    (tmp_path / "excused.py").write_text(f"# size: a table\ndef long():\n{body}\n")
    assert oversized(tmp_path / "long.py") == ["long.py:1 long(): 81 lines"]
    assert oversized(tmp_path / "excused.py") == []
