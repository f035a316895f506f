"""prefect.yaml and automations/*.yaml as `matchflow deploy` reads them (no server needed)."""

from __future__ import annotations

import itertools
import re

import pytest

from matchflow.deploy import (
    DeployError,
    container_environment,
    flow_name_of,
    gpu_pool_job_variables,
    load_automations,
    load_project,
    pool_job_template,
    pool_specs,
    same_automation,
    schedules_of,
    trigger_automations,
)
from matchflow.domain import CHAIN_A, CHAIN_B
from matchflow.settings import Settings
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def project():
    return load_project(REPO_ROOT / "prefect.yaml")


def by_name(project, name):
    return next(d for d in project["deployments"] if d["name"] == name)


def test_every_deployment_resolves_to_a_flow(project):
    names = {d["name"]: flow_name_of(d["entrypoint"], REPO_ROOT) for d in project["deployments"]}
    assert names == {"matchflow-resume-chain": "resume-chain", "matchflow-job-chain": "job-chain",
                     "matchflow-gpu-health": "gpu-health", "matchflow-gpu-maintenance": "gpu-maintenance",
                     "matchflow-cleanup": "cleanup", "matchflow-inference": "inference"}
    # the chains hand work to this deployment by name
    inference = by_name(project, "matchflow-inference")
    assert f"inference/{inference['name']}" == Settings().inference_deployment


@pytest.mark.parametrize("chain", [CHAIN_A, CHAIN_B], ids=lambda chain: chain.slug)
def test_the_chain_deployments_speak_the_chain_spec(project, chain):
    """prefect.yaml is static text: it must name each chain as matchflow.domain.ChainSpec does."""
    deployment = by_name(project, chain.deployment_name)
    assert flow_name_of(deployment["entrypoint"], REPO_ROOT) == chain.flow_name
    assert deployment["work_pool"]["work_queue_name"] == chain.slug and chain.slug in deployment["tags"]


def _minutes_of_day(cron: str) -> set[int]:
    """Minutes of the day a `M H-H/S * * *` or `*/N * * * *` line fires (the shapes prefect.yaml uses)."""
    minute, hour = cron.split()[:2]
    minutes = range(0, 60, int(minute[2:])) if minute.startswith("*/") else [int(minute)]
    if hour == "*":
        hours = range(24)
    else:
        span, _, step = hour.partition("/")
        first, _, last = span.partition("-")
        hours = range(int(first), int(last or first) + 1, int(step or 1))
    return {h * 60 + m for h in hours for m in minutes}


@pytest.mark.parametrize("name, every", [("matchflow-resume-chain", 30), ("matchflow-job-chain", 45),
                                         ("matchflow-gpu-health", 15)])
def test_schedules_fire_at_the_seed_intervals(project, name, every):
    fired: set[int] = set()
    for schedule in by_name(project, name)["schedules"]:
        fired |= _minutes_of_day(schedule["cron"])
    assert sorted(fired) == list(range(0, 24 * 60, every))


def test_one_timezone_setting_applies_to_every_schedule(project):
    spec = by_name(project, "matchflow-job-chain")
    assert {s["timezone"] for s in schedules_of(spec, None, active=True)} == {"UTC"}
    moscow = schedules_of(spec, "Europe/Moscow", active=False)
    assert {s["timezone"] for s in moscow} == {"Europe/Moscow"} and not any(s["active"] for s in moscow)


def test_pools_queues_and_the_gpu_request(project):
    pools = {p["name"]: p for p in pool_specs(project, "matchflow-gpu", None)}
    assert pools["matchflow-cpu"]["type"] == "process" and pools["matchflow-gpu"]["type"] == "docker"
    priority = {q["name"]: q["priority"] for q in pools["matchflow-cpu"]["queues"]}
    assert priority["chain-b"] < priority["chain-a"] < priority["gpu-ops"] < priority["cleanup"]
    variables = gpu_pool_job_variables(Settings(), pools["matchflow-gpu"]["base_job_variables"])
    template = pool_job_template("docker", variables)
    request = template["variables"]["properties"]["container_create_kwargs"]["default"]["device_requests"][0]
    assert request["driver"] == "nvidia" and request["capabilities"] == [["gpu"]] and request["count"] == -1
    assert template["variables"]["properties"]["image"]["default"] == Settings().gpu_docker_image
    assert {p["name"]: p["concurrency_limit"] for p in pools.values()} == {"matchflow-cpu": 3, "matchflow-gpu": 1}
    assert pool_specs(project, "matchflow-gpu", "process")[1]["type"] == "process"
    with pytest.raises(DeployError, match="gpu-pool-type"):
        pool_specs(project, "matchflow-gpu", "kubernetes")


def test_chains_run_one_at_a_time(project):
    for name in ("matchflow-resume-chain", "matchflow-job-chain"):
        assert by_name(project, name)["concurrency_limit"]["limit"] == 1


def test_automations_react_to_the_gpu_pool_and_failed_inference_runs():
    automations = {a["name"]: a for a in load_automations(REPO_ROOT / "automations")}
    pool = automations["matchflow-gpu-pool-not-ready"]
    assert pool["trigger"]["expect"] == ["prefect.work-pool.not-ready"]
    assert pool["trigger"]["match"]["prefect.resource.name"] == "matchflow-gpu"
    failed = automations["matchflow-inference-run-failed"]
    assert set(failed["trigger"]["expect"]) == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}
    for automation in (pool, failed):
        assert [a["type"] for a in automation["actions"]] == ["run-deployment", "send-notification"]
        run = automation["actions"][0]
        # they record and notify; starting the host is left to demand
        assert run["deployment"] == "gpu-health/matchflow-gpu-health" and run["parameters"] == {"start": False}
    silent = automations["matchflow-inference-no-heartbeat"]
    assert silent["trigger"]["posture"] == "Proactive"
    assert silent["trigger"]["after"] == ["prefect.flow-run.Running", "prefect.flow-run.heartbeat"]
    assert silent["actions"] == [{"type": "change-flow-run-state", "state": "CRASHED",
                                  "message": silent["actions"][0]["message"]}]


def test_the_gpu_host_starts_on_demand_only(project):
    health = by_name(project, "matchflow-gpu-health")
    assert health["parameters"] == {"start": False}  # the 15-minute check starts nothing
    [automation] = trigger_automations(health, "gpu-health/matchflow-gpu-health")
    assert automation["trigger"]["expect"] == ["matchflow.gpu.demand"]
    assert automation["actions"] == [{"type": "run-deployment", "deployment": "gpu-health/matchflow-gpu-health",
                                      "parameters": {"start": True}}]
    with pytest.raises(DeployError, match="needs a `name`"):
        trigger_automations({"name": "x", "triggers": [{"expect": ["a"]}]}, "f/x")


def test_containers_get_the_settings_set_here_and_no_secret(monkeypatch):
    monkeypatch.setenv("MATCHFLOW_DATABASE_URL", "postgresql://u:s3cret@db/matchflow")
    monkeypatch.setenv("MATCHFLOW_DATABASE_URL_BLOCK", "matchflow-database-url")
    monkeypatch.setenv("MATCHFLOW_EMBED_BACKEND", "torch")
    monkeypatch.setenv("MATCHFLOW_SCORE_WEIGHTS", '{"salary": 0}')
    monkeypatch.setenv("MATCHFLOW_REDACT_EXPLANATIONS", "false")
    monkeypatch.setenv("MATCHFLOW_FILLOUT_API_KEY", "key-s3cret")
    env = container_environment(Settings())
    assert env["MATCHFLOW_DATABASE_URL_BLOCK"] == "matchflow-database-url"
    assert env["MATCHFLOW_EMBED_BACKEND"] == "torch" and env["MATCHFLOW_REDACT_EXPLANATIONS"] == "false"
    assert env["MATCHFLOW_SCORE_WEIGHTS"] == '{"salary": 0.0}'
    assert "s3cret" not in str(env) and "MATCHFLOW_HOME" not in env


def test_a_cpu_stand_in_gpu_host_gets_no_device_request(monkeypatch):
    monkeypatch.setenv("MATCHFLOW_GPU_DOCKER_GPUS", "0")
    monkeypatch.setenv("MATCHFLOW_GPU_DOCKER_NETWORK", "host")
    variables = gpu_pool_job_variables(Settings(), {"auto_remove": True})
    assert "container_create_kwargs" not in variables
    assert variables["network_mode"] == "host" and variables["auto_remove"] is True


def _events_whose_set_order_follows_insertion() -> list[str]:
    """Two event names that collide in a small set, so {a, b} and {b, a} iterate differently."""
    names = [f"prefect.flow-run.State{i}" for i in range(400)]
    return next([a, b] for a, b in itertools.pairwise(names) if list({a, b}) != list({b, a}))


def test_an_automation_read_back_is_unchanged_whatever_its_set_order():
    from prefect.events.schemas.automations import AutomationCore

    expect = _events_whose_set_order_follows_insertion()
    spec = {"name": "x", "trigger": {"type": "event", "posture": "Reactive", "threshold": 1, "within": 0,
                                     "expect": expect},
            "actions": [{"type": "do-nothing"}]}
    desired = AutomationCore.model_validate(spec)
    # what the server hands back: the stored JSON list, parsed into a set again in another order
    stored = desired.model_dump(mode="json")
    stored["trigger"]["expect"] = list(reversed(expect))
    current = AutomationCore.model_validate(stored)
    assert current.model_dump(mode="json") != desired.model_dump(mode="json")  # the trap is set
    assert same_automation(current, desired)
    changed = {**spec, "trigger": {**spec["trigger"], "threshold": 2}}
    assert not same_automation(AutomationCore.model_validate(changed), desired)


def test_no_secrets_in_the_project_files():
    text = (REPO_ROOT / "prefect.yaml").read_text() + (REPO_ROOT / "automations" / "gpu.yaml").read_text()
    assert not re.search(r"(?i)(password|api[_-]?key|token|secret)\s*:", text)
    assert not re.search(r"postgres(ql)?://", text)


def test_missing_project_file_is_a_clear_error(tmp_path):
    with pytest.raises(DeployError, match="not found"):
        load_project(tmp_path / "prefect.yaml")
