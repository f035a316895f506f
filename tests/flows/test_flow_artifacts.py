"""The orchestration flows' artifacts: one keyed markdown report per run of gpu-health, gpu-maintenance and
cleanup, with no secrets in it. The builders are checked alone; the flows run against a temporary API."""

from __future__ import annotations

import os
import re

import pytest

from flows.gpu_health import REPORT_KEY, HealthReport, gpu_health, health_report_markdown
from flows.maintenance import (
    CLEANUP_KEY,
    MAINTENANCE_KEY,
    cleanup,
    cleanup_report_markdown,
    gpu_maintenance,
    maintenance_report_markdown,
)
from storage.retention import RetentionPolicy, RetentionReport

SECRETS = ["hunter2", "sig=", "token=", "tok3n", "alice:"]


@pytest.fixture(scope="module")
def prefect_api():
    """A temporary Prefect API for this module (the flows run in this process, as a worker would run them)."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def cells(markdown: str) -> dict[str, str]:
    """field -> value of every two-column table row."""
    rows = [line.strip("|").split(" | ") for line in markdown.splitlines() if line.startswith("| ")]
    return {row[0].strip(): row[1].strip() for row in rows if len(row) == 2}


@pytest.mark.parametrize("key", [REPORT_KEY, MAINTENANCE_KEY, CLEANUP_KEY])
def test_keys_are_stable_lower_case_with_dashes(key):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key)


def test_health_report_shows_every_field_and_masks_urls():
    report = HealthReport(
        pool="matchflow-gpu", status="start-failed",
        pool_status={"status": "NOT_READY", "online_workers": 0, "workers": [], "detail": ""},
        starter="http", started=True, waited_s=300.0,
        start={"url": "https://alice:hunter2@boot.example.com/v1/start?sig=abc&token=tok3n", "status_code": 202},
        detail="started by http but the pool was NOT_READY after 300 s; see postgresql://alice:hunter2@db:5432/x")
    markdown = health_report_markdown(report, 17)
    table = cells(markdown)
    assert markdown.startswith("# GPU health: pool `matchflow-gpu` start-failed")
    assert table["status"] == "start-failed"
    assert table["pool status"] == "NOT_READY"
    assert table["workers online"] == "0"
    assert table["starter"] == "http"
    assert table["started"] == "yes"
    assert table["waited"] == "300 s"
    assert table["gpu_checks row"] == "17"
    assert table["start result"] == "url: https://boot.example.com/v1/start; status_code: 202"
    assert "postgresql://db:5432/x" in table["detail"]
    for secret in SECRETS:
        assert secret not in markdown, secret


def test_health_report_of_a_ready_pool_lists_its_workers():
    report = HealthReport(pool="gpu", status="ready", starter="none",
                          pool_status={"status": "READY", "online_workers": 2, "workers": ["w-1", "w|2"]})
    table = cells(health_report_markdown(report, 3))
    assert table["workers online"] == r"2 (w-1, w\|2)"  # a pipe cannot break the table
    assert table["started"] == "no"
    assert table["start result"] == "-"


def test_maintenance_report_shows_the_idle_check_the_action_and_the_device():
    report = {"pool": {"pool": "matchflow-gpu", "status": "READY", "online_workers": 1, "workers": ["w-1"],
                       "detail": ""},
              "action": "stop-failed",
              "idle": {"inference_runs": 0, "started_in_window": False, "idle": True, "window_minutes": 60.0},
              "error": "POST https://boot.example.com/stop?token=tok3n answered HTTP 500",
              "device": {"device": "cuda", "name": "NVIDIA H100", "total_mib": 81559, "free_mib": 80000,
                         "loaded_models": ["bge-small on cuda:0"]}}
    markdown = maintenance_report_markdown(report)
    table = cells(markdown)
    assert markdown.startswith("# GPU maintenance: pool `matchflow-gpu`, action stop-failed")
    assert table["pool status"] == "READY"
    assert table["idle check"] == ("idle: 0 inference run(s) in the last 60 min, host started by gpu-health in "
                                   "them: no")
    assert table["action"] == "stop-failed"
    assert table["error"] == "POST https://boot.example.com/stop answered HTTP 500"
    assert table["total MiB"] == "81559"
    assert table["loaded models"] == "bge-small on cuda:0"
    for secret in SECRETS:
        assert secret not in markdown, secret


def test_cleanup_report_shows_counts_policy_bytes_and_dry_run():
    policy = RetentionPolicy(raw_file_days=180, session_days=90, failed_days=30)
    markdown = cleanup_report_markdown(RetentionReport(failed_documents=2, superseded_sessions=5, raw_files=3,
                                                       bytes_freed=3 * 1024 * 1024, dry_run=True), policy)
    assert markdown.startswith("# Cleanup (dry run): counted, nothing deleted")
    assert "| failed documents (not updated) | 2 | 30 days |" in markdown
    assert "| superseded match sessions | 5 | 90 days |" in markdown
    assert "| raw files used by no current document | 3 | 180 days |" in markdown
    assert "- bytes that would be freed: 3.0 MiB (3145728 bytes)" in markdown
    assert "- dry run: yes" in markdown
    done = cleanup_report_markdown(RetentionReport(bytes_freed=10), policy)
    assert done.startswith("# Cleanup: deleted") and "- bytes freed: 10 bytes" in done and "- dry run: no" in done


def _artifacts_of(state, key: str):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[key]),
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))


def test_each_flow_run_publishes_its_keyed_report(prefect_api, engine):
    """No GPU pool exists on the temporary API and no starter is configured: the runs only report."""
    health = gpu_health(start=False, return_state=True)
    maintenance = gpu_maintenance(stop=False, return_state=True)
    swept = cleanup(dry_run=True, return_state=True)
    assert health.is_completed() and maintenance.is_completed() and swept.is_completed()

    [artifact] = _artifacts_of(health, REPORT_KEY)
    table = cells(artifact.data)
    assert artifact.type == "markdown"
    assert table["status"] == "unavailable" and table["pool status"] == "MISSING"
    assert table["gpu_checks row"] == str(health.result()["check_id"])
    assert "gpu-health: pool" in artifact.description

    [artifact] = _artifacts_of(maintenance, MAINTENANCE_KEY)
    table = cells(artifact.data)
    assert table["idle check"] == "not checked: no worker online" and table["action"] == "none"
    assert table["device"] in ("cpu", "cuda")

    [artifact] = _artifacts_of(swept, CLEANUP_KEY)
    assert artifact.data.startswith("# Cleanup (dry run)")
    assert "| failed documents (not updated) | 0 | 30 days |" in artifact.data
