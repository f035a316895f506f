"""The layer map holds: the import contract passes, every module has a layer, SQL stays in storage/, and
settings are read only at the entry points.

These are the checks that keep the README's layout section true without anyone policing it.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("matchflow", "flows", "tasks", "storage")
SQL_STATEMENT = re.compile(r"\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(UNIQUE\s+)?"
                           r"INDEX|ALTER\s+TABLE|DROP\s+(TABLE|INDEX))\b")
# where the settings may be read: the command lines and the flows (each flow is an entry point)
ENTRY_POINTS = ("matchflow/cli.py", "matchflow/evaluation/cli.py", "matchflow/settings.py", "flows/")


def _contracts() -> list[dict]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _modules(root: str) -> list[Path]:
    return sorted(p for p in (REPO / root).rglob("*.py") if "migrations" not in p.parts)


def test_the_import_contracts_pass() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(_contracts())} kept, 0 broken" in result.stdout


def test_every_module_sits_in_a_layer() -> None:
    """A new top-level module or package of matchflow must be placed in the layer map, or it goes unchecked."""
    layers = next(c for c in _contracts() if c["id"] == "layers")["layers"]
    listed = {name.strip().strip("()") for layer in layers for name in re.split(r"[:|]", layer.replace("\\", " "))}
    tops = {f"matchflow.{p.stem if p.is_file() else p.name}" for p in (REPO / "matchflow").iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    assert tops - listed == set(), "add these to [tool.importlinter] layers in pyproject.toml"
    assert {"flows", "tasks", "storage", "matchflow.pipeline"} <= listed


@pytest.mark.parametrize("root", ["matchflow", "flows", "tasks"])
def test_no_sql_outside_storage(root: str) -> None:
    """No SQL statement text in the product outside storage/ (the contract already forbids SQLAlchemy there)."""
    found = []
    for path in _modules(root):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_STATEMENT.search(node.value):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value.strip()[:60]!r}")
    assert found == []


def test_settings_are_read_only_at_entry_points() -> None:
    calls = []
    for root in PRODUCT:
        for path in _modules(root):
            relative = path.relative_to(REPO).as_posix()
            if relative.startswith(ENTRY_POINTS):
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=relative)):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in (
                        "get_settings", "Settings"):
                    calls.append(f"{relative}:{node.lineno}")
    assert calls == [], "build the settings at the entry point and pass down what is needed"


def test_no_task_takes_the_settings() -> None:
    """Tasks take the run context (or plain values), never the whole Settings object."""
    import importlib

    from prefect import Task

    tasks = []
    for root in ("tasks", "flows"):
        for path in _modules(root):
            module = importlib.import_module(".".join(path.relative_to(REPO).with_suffix("").parts))
            tasks += [(f"{module.__name__}.{name}", value) for name, value in vars(module).items()
                      if isinstance(value, Task) and value.fn.__module__ == module.__name__]
    assert len(tasks) >= 15
    offenders = [name for name, task in tasks
                 if any("Settings" in str(p.annotation) for p in inspect.signature(task.fn).parameters.values())]
    assert offenders == []
