"""The GPU host starters: argv/URL validation, the docker request, and real command and http starts."""

from __future__ import annotations

import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from matchflow.gpu.starters import (
    CommandStarter,
    DockerStarter,
    HttpStarter,
    StarterError,
    docker_worker_spec,
    make_starter,
    mask_url,
    validate_argv,
    validate_url,
)
from matchflow.settings import Settings


def settings_with(tmp_path, **values) -> Settings:
    return Settings(home=tmp_path, **values)


@pytest.mark.parametrize("argv", [["prefect", "worker", "start"], ["/usr/bin/systemctl", "start", "gpu"]])
def test_allowed_argv_passes(argv):
    assert validate_argv(argv, ["prefect", "/usr/bin/systemctl"]) == argv


@pytest.mark.parametrize("argv, reason", [
    ([], "empty"),
    (["rm", "-rf", "/"], "not in"),
    (["/usr/bin/prefect", "worker"], "not in"),  # a bare name in the list does not allow any path
    (["./prefect", "worker"], "relative path"),
    (["bin/prefect"], "relative path"),
])
def test_refused_argv_says_why(argv, reason):
    with pytest.raises(ValueError, match=reason):
        validate_argv(argv, ["prefect"])


def test_argv_settings_accept_json_and_shell_like_strings(monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHFLOW_GPU_START_COMMAND", '["prefect", "worker", "start", "--name", "a b"]')
    monkeypatch.setenv("MATCHFLOW_GPU_STOP_COMMAND", "systemctl stop 'gpu host'")
    settings = Settings(home=tmp_path)
    assert settings.gpu_start_command == ["prefect", "worker", "start", "--name", "a b"]
    assert settings.gpu_stop_command == ["systemctl", "stop", "gpu host"]


@pytest.mark.parametrize("url, allowed", [("https://api.example.com/v1/start", []),
                                          ("http://127.0.0.1:8080/start", ["127.0.0.1"])])
def test_valid_urls(url, allowed):
    assert str(validate_url(url, allowed)) == url


@pytest.mark.parametrize("url, reason", [
    ("http://api.example.com/start", "only https"),
    ("ftp://api.example.com/start", "only https"),
    ("https://user:secret@api.example.com/start", "credentials"),
    ("https:///start", "no host"),
])
def test_refused_urls(url, reason):
    with pytest.raises(ValueError, match=reason):
        validate_url(url, ["127.0.0.1"])


def test_mask_url_drops_query_and_credentials():
    assert mask_url("https://u:p@h.example.com:8443/boot?sig=SECRET") == "https://h.example.com:8443/boot"


def test_docker_spec_requests_the_gpus_and_runs_a_worker_for_the_pool(tmp_path):
    settings = settings_with(tmp_path, gpu_docker_image="matchflow-worker:cuda", gpu_docker_gpus=2,
                             gpu_docker_network="matchflow")
    spec = docker_worker_spec(settings, pool="matchflow-gpu", pool_type="process",
                              environment={"PREFECT_API_URL": "http://prefect:4200/api"})
    assert spec["image"] == "matchflow-worker:cuda"
    assert spec["command"] == ["prefect", "worker", "start", "--pool", "matchflow-gpu", "--type", "process"]
    assert spec["detach"] is True and spec["network"] == "matchflow"
    assert spec["environment"] == {"PREFECT_API_URL": "http://prefect:4200/api"}
    [request] = spec["device_requests"]
    assert (request["Driver"], request["Count"], request["Capabilities"]) == ("nvidia", 2, [["gpu"]])
    assert "volumes" not in spec


def test_docker_spec_for_a_docker_pool_mounts_the_engine_socket(tmp_path):
    spec = docker_worker_spec(settings_with(tmp_path), pool="gpu", pool_type="docker", environment={})
    assert spec["command"][-1] == "docker"
    assert spec["volumes"]["/var/run/docker.sock"]["bind"] == "/var/run/docker.sock"
    # the image's user (uid 10001) joins the group that owns the socket on this host
    socket_group = os.stat("/var/run/docker.sock").st_gid if os.path.exists("/var/run/docker.sock") else 0
    assert spec["group_add"] == [str(socket_group)]


def test_docker_starter_without_an_engine_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")
    with pytest.raises(StarterError, match="no Docker engine reachable .*MATCHFLOW_GPU_STARTER"):
        DockerStarter(settings_with(tmp_path)).start(pool="matchflow-gpu", pool_type="process")


def test_command_starter_runs_detached_without_a_shell(tmp_path):
    settings = settings_with(tmp_path, gpu_command_allowlist=["sleep"], gpu_start_command=["sleep", "30"])
    started = CommandStarter(settings).start(pool="p", pool_type=None)
    try:
        assert os.getsid(started["pid"]) == started["pid"]  # its own session: survives the flow run
        assert started["executable"] == "sleep"
    finally:
        os.killpg(started["pid"], signal.SIGKILL)


def test_command_arguments_are_never_interpreted_by_a_shell(tmp_path):
    target = tmp_path / "x;y"  # a shell would run `touch .../x` and then a command `y`
    settings = settings_with(tmp_path, gpu_command_allowlist=["touch"], gpu_start_command=["touch", str(target)])
    CommandStarter(settings).start(pool="p", pool_type=None)
    assert target.exists() and not (tmp_path / "x").exists()


def test_command_starter_refuses_what_is_not_allowed_and_reports_instant_failures(tmp_path):
    refused = settings_with(tmp_path, gpu_start_command=["bash", "-c", "echo hi"])
    with pytest.raises(StarterError, match="not in MATCHFLOW_GPU_COMMAND_ALLOWLIST"):
        CommandStarter(refused).start(pool="p", pool_type=None)
    failing = settings_with(tmp_path, gpu_command_allowlist=["false"], gpu_start_command=["false"])
    with pytest.raises(StarterError, match="exited with code 1"):
        CommandStarter(failing).start(pool="p", pool_type=None)
    with pytest.raises(StarterError, match="MATCHFLOW_GPU_STOP_COMMAND"):
        CommandStarter(failing).stop(pool="p")


class _Recorder(BaseHTTPRequestHandler):
    requests: list[dict] = []
    status = 202

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length", 0))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("authorization"),
                                    "body": json.loads(self.rfile.read(length))})
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_agent():
    _Recorder.requests, _Recorder.status = [], 202
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder
    server.shutdown()


def test_http_starter_posts_with_the_bearer_token(tmp_path, http_agent):
    base, recorder = http_agent
    settings = settings_with(tmp_path, gpu_starter="http", gpu_start_url=f"{base}/start?sig=abc",
                             gpu_stop_url=f"{base}/stop", gpu_http_token="t0ken",
                             gpu_http_allowed_hosts=["127.0.0.1"])
    starter = make_starter(settings)
    assert isinstance(starter, HttpStarter)
    result = starter.start(pool="matchflow-gpu", pool_type="docker")
    assert result == {"url": f"{base}/start", "status_code": 202}  # the query (a signature) is not reported
    starter.stop(pool="matchflow-gpu")
    assert [(r["path"], r["auth"], r["body"]["action"]) for r in recorder.requests] == [
        ("/start?sig=abc", "Bearer t0ken", "start"), ("/stop", "Bearer t0ken", "stop")]


def test_http_starter_reports_refusals_and_errors(tmp_path, http_agent):
    base, recorder = http_agent
    recorder.status = 503
    settings = settings_with(tmp_path, gpu_start_url=f"{base}/start", gpu_http_allowed_hosts=["127.0.0.1"])
    with pytest.raises(StarterError, match="HTTP 503"):
        HttpStarter(settings).start(pool="p", pool_type=None)
    with pytest.raises(StarterError, match="only https"):
        HttpStarter(settings_with(tmp_path, gpu_start_url=f"{base}/start")).start(pool="p", pool_type=None)
    with pytest.raises(StarterError, match="MATCHFLOW_GPU_STOP_URL"):
        HttpStarter(settings).stop(pool="p")


def test_no_starter_configured(tmp_path):
    assert make_starter(settings_with(tmp_path)) is None
