"""matchflow's own loggers in the flow run's logs (the Prefect UI): the CLI's PREFECT_LOGGING_EXTRA_LOGGERS default.

Prefect reads the setting once, when it configures logging (the first `from prefect import flow, ...`), so
each check runs in a fresh interpreter that imports `matchflow.cli` first, as the `matchflow` command does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

EXTRA = "PREFECT_LOGGING_EXTRA_LOGGERS"
MISSING_FLOW = "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"
SECRET = "fo-key-5ecret-0123456789"

PROBE = textwrap.dedent('''
    import json, logging, os, time, warnings

    import matchflow.cli  # noqa: F401 - the CLI's environment defaults, before Prefect configures logging

    from prefect import flow, get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler
    from prefect.testing.utilities import prefect_test_harness

    from matchflow.logs import install_redaction
    from matchflow.settings import get_settings


    @flow(name="logging-probe")
    def probe():
        install_redaction(get_settings())  # as every chain run does first
        secret = os.environ["MATCHFLOW_FILLOUT_API_KEY"]
        logging.getLogger("matchflow.something").warning("matchflow probe: key %s, mail dana@example.com", secret)
        logging.getLogger("storage.something").warning("storage probe: phone +49 151 23456789")
        logging.getLogger("flows.something").warning("flows probe")
        logging.getLogger("tasks.something").warning("tasks probe")
        logging.getLogger("elsewhere.something").warning("elsewhere probe")


    with prefect_test_harness(server_startup_timeout=180):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            logging.getLogger("matchflow.outside").warning("outside any run")
        state = probe(return_state=True)
        APILogHandler().flush()
        run_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id]))
        with get_client(sync_client=True) as client:
            for _ in range(40):
                logs = client.read_logs(log_filter=run_filter)
                if sum(not log.name.startswith("prefect") for log in logs) >= 4:
                    break
                time.sleep(0.5)
    result = {"state": state.type.value, "warnings": [str(w.message) for w in caught],
              "logs": [{"name": log.name, "level": log.level, "message": log.message} for log in logs]}
    print("RESULT " + json.dumps(result))
''')


def fresh_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (EXTRA, MISSING_FLOW, "PREFECT_API_URL")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")])
    return {**env, **extra}


def run_python(code: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=REPO_ROOT, env=env)


def test_the_cli_sets_the_defaults_before_prefect_configures_logging():
    code = textwrap.dedent(f'''
        import json, os, sys
        import matchflow.cli
        configuration = sys.modules.get("prefect.logging.configuration")
        print(json.dumps({{"configured": bool(configuration and configuration.PROCESS_LOGGING_CONFIG),
                          "extra": os.environ.get("{EXTRA}"), "missing_flow": os.environ.get("{MISSING_FLOW}")}}))
        from prefect import flow  # configures logging
        import logging
        print(json.dumps([type(h).__name__ for h in logging.getLogger("matchflow").handlers]))
    ''')
    done = run_python(code, fresh_env())
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()[-2:]
    assert json.loads(first) == {"configured": False, "extra": "matchflow,flows,tasks,storage",
                                 "missing_flow": "ignore"}
    assert json.loads(second) == ["APILogHandler"]

    overridden = run_python("import os, matchflow.cli; print(os.environ['PREFECT_LOGGING_EXTRA_LOGGERS'])",
                            fresh_env(**{EXTRA: "matchflow"}))
    assert overridden.stdout.strip() == "matchflow"  # an operator's own value wins


def test_matchflow_warnings_reach_the_flow_runs_logs_masked():
    done = run_python(PROBE, fresh_env(MATCHFLOW_FILLOUT_API_KEY=SECRET), timeout=400)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])
    assert result["state"] == "COMPLETED"
    by_logger = {log["name"]: log for log in result["logs"] if not log["name"].startswith("prefect")}
    assert set(by_logger) == {"matchflow.something", "storage.something", "flows.something", "tasks.something"}
    assert all(log["level"] == 30 for log in by_logger.values())  # WARNING

    matchflow_line = by_logger["matchflow.something"]["message"]
    assert matchflow_line.startswith("matchflow probe: key ***, mail d***@example.com")
    assert by_logger["storage.something"]["message"] == "storage probe: phone ***89"
    text = "\n".join(log["message"] for log in result["logs"])
    for secret in (SECRET, "dana@example.com", "23456789"):
        assert secret not in text, secret
    # outside a run the record is not sent, and not warned about either
    assert not [w for w in result["warnings"] if "without a flow run id" in w]
