"""Every flow parameter has a description in the UI's run form: the parameter schemas as `matchflow deploy`
sends them (read from the source, docstrings' `Args:` sections parsed by Prefect; no server needed)."""

from __future__ import annotations

import ast

import pytest

from matchflow.deploy import load_project, parameter_schema_of
from tests.conftest import REPO_ROOT

DEPLOYMENTS = load_project(REPO_ROOT / "prefect.yaml")["deployments"]


def flow_docstring(entrypoint: str) -> str:
    path, func = entrypoint.rsplit(":", 1)
    tree = ast.parse((REPO_ROOT / path).read_text(encoding="utf-8"))
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == func)
    return ast.get_docstring(node) or ""


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=[d["name"] for d in DEPLOYMENTS])
def test_every_parameter_has_a_description(deployment):
    schema = parameter_schema_of(deployment["entrypoint"], REPO_ROOT)
    properties = schema["properties"]
    assert properties, f"{deployment['name']}: no parameters in the schema"
    missing = [name for name, prop in properties.items() if not (prop.get("description") or "").strip()]
    assert not missing, f"{deployment['name']}: parameters without a description: {missing}"
    # the deployment's own parameter values name real parameters
    assert set(deployment.get("parameters") or {}) <= set(properties)


@pytest.mark.parametrize("entrypoint", ["flows/resume_chain.py:resume_chain", "flows/job_chain.py:job_chain"])
def test_the_chains_docstrings_still_list_the_eight_steps(entrypoint):
    doc = flow_docstring(entrypoint)
    steps = ["fetch", "parse", "gpu-check", "embed", "search", "rerank", "analyze", "save"]
    for number, step in enumerate(steps):
        assert f"{number}. {step}:" in doc, step
    assert doc.index("7. save:") < doc.index("Args:")
