"""`matchflow deploy`: apply prefect.yaml and automations/*.yaml to the Prefect API, idempotently.

    load_project(path)                  prefect.yaml as a dict (YAML anchors resolved)
    deploy(project, gpu_pool_type=...)  pools -> queues -> deployments -> automations; a Change per object

What depends on the host is taken from the settings at deploy time, never a secret: the GPU pool's image,
device request and network, and the matchflow settings its containers need (`container_environment`: a
Docker pool's containers see only Prefect's settings and the job's `env`). Deployment `triggers:` in
prefect.yaml become automations that run their deployment, like `prefect deploy` makes them.

Every object is read first and written only when it differs, so a second run reports "unchanged"
and leaves the scheduled runs alone. prefect.yaml stays usable by `prefect deploy` as well; pools,
queues and automations (which `prefect deploy` does not create) come from `definitions.work_pools`
and automations/*.yaml. Flows are not imported: names and parameter schemas are read from the
source (Prefect's own AST helpers), so deploying needs neither torch nor the database.
"""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from matchflow.settings import Settings

GPU_POOL_TYPES = ("docker", "process")

# The settings a GPU-pool container needs to do what the handing chain would do on CPU, passed as MATCHFLOW_*
# variables when they are set where `matchflow deploy` runs. Secrets are not among them: the database URL
# reaches containers as the name of a Prefect Secret block (MATCHFLOW_DATABASE_URL_BLOCK).
CONTAINER_SETTINGS = ("database_url_block", "embed_model", "embed_device", "embed_batch_size", "embed_backend",
                      "embed_prompt", "rerank_model", "top_k", "score_weights", "redact_scoring_text",
                      "redact_explanations", "gpu_pool")


class DeployError(RuntimeError):
    """The project cannot be deployed; the message says what to fix."""


@dataclass(frozen=True)
class Change:
    kind: str  # work pool | work queue | deployment | automation
    name: str
    action: str  # created | updated | unchanged | skipped
    note: str = ""


def load_project(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DeployError(f"{path} not found: run from the repository root or pass --file")
    project = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(project.get("deployments"), list):
        raise DeployError(f"{path} has no `deployments:` list")
    return project


def load_automations(folder: Path) -> list[dict[str, Any]]:
    """Every automation in folder/*.yaml (`automations:` lists or single automations)."""
    specs: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        specs += data.get("automations", [data] if "trigger" in data else [])
    return specs


def api_url() -> str:
    """PREFECT_API_URL, or a DeployError that says how to get one."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise DeployError("PREFECT_API_URL is not set: start a server (`prefect server start`) and "
                          "`export PREFECT_API_URL=http://127.0.0.1:4200/api`, or log in to Prefect Cloud")
    return url


# --- pure builders ---------------------------------------------------------------------------------


def default_job_template(pool_type: str) -> dict[str, Any]:
    """The worker type's default base job template (what `prefect work-pool create --type` would use)."""
    if pool_type == "process":
        from prefect.workers.process import ProcessWorker

        return ProcessWorker.get_default_base_job_template()
    if pool_type == "docker":
        from prefect_docker.worker import DockerWorker

        return DockerWorker.get_default_base_job_template()
    raise DeployError(f"unsupported work pool type {pool_type!r}: use one of {GPU_POOL_TYPES}")


def pool_job_template(pool_type: str, job_variables: dict[str, Any] | None) -> dict[str, Any]:
    """The default template with `job_variables` as the variables' defaults (unknown ones ignored)."""
    template = copy.deepcopy(default_job_template(pool_type))
    properties = template.get("variables", {}).get("properties", {})
    for key, value in (job_variables or {}).items():
        if key in properties:
            properties[key]["default"] = value
    return template


def pool_specs(project: dict[str, Any], gpu_pool: str, gpu_pool_type: str | None) -> list[dict[str, Any]]:
    """definitions.work_pools, with the GPU pool's type overridden by --gpu-pool-type."""
    specs = copy.deepcopy((project.get("definitions") or {}).get("work_pools") or [])
    for spec in specs:
        if spec["name"] == gpu_pool and gpu_pool_type:
            if gpu_pool_type not in GPU_POOL_TYPES:
                raise DeployError(f"--gpu-pool-type must be one of {GPU_POOL_TYPES}, not {gpu_pool_type!r}")
            spec["type"] = gpu_pool_type
    return specs


def container_environment(settings: Settings) -> dict[str, str]:
    """MATCHFLOW_* variables for the GPU pool's containers: the `CONTAINER_SETTINGS` set here, as text."""
    env = {}
    for name in CONTAINER_SETTINGS:
        value = getattr(settings, name)
        if name not in settings.model_fields_set or value is None:
            continue
        if isinstance(value, bool):
            text = str(value).lower()
        elif isinstance(value, dict | list):
            text = json.dumps(value)
        else:
            text = str(value)
        env[f"MATCHFLOW_{name.upper()}"] = text
    return env


def gpu_pool_job_variables(settings: Settings, base: dict[str, Any] | None) -> dict[str, Any]:
    """A docker GPU pool's job variables: prefect.yaml's, plus the image, device request and network."""
    variables = {**(base or {}), "image": settings.gpu_docker_image}
    if settings.gpu_docker_gpus:  # 0: no device request (a CPU stand-in for the GPU host, as in the tests)
        variables["container_create_kwargs"] = {"device_requests": [
            {"driver": "nvidia", "count": settings.gpu_docker_gpus, "capabilities": [["gpu"]]}]}
    if settings.gpu_docker_network:
        variables["network_mode"] = settings.gpu_docker_network
    return variables


def trigger_automations(spec: dict[str, Any], deployment: str) -> list[dict[str, Any]]:
    """A deployment's `triggers:` as automation specs that run it (with the trigger's parameters)."""
    automations = []
    for trigger in spec.get("triggers") or []:
        if not trigger.get("name"):
            raise DeployError(f"deployment {spec['name']}: every trigger needs a `name` (the automation's)")
        automations.append({
            "name": trigger["name"], "description": trigger.get("description", ""),
            "enabled": trigger.get("enabled", True),
            "trigger": {"type": "event", "posture": "Reactive", "expect": trigger["expect"],
                        "match": trigger.get("match") or {}, "match_related": trigger.get("match_related") or {},
                        "threshold": trigger.get("threshold", 1), "within": trigger.get("within", 0)},
            "actions": [{"type": "run-deployment", "deployment": deployment,
                         "parameters": trigger.get("parameters") or {}}],
        })
    return automations


def schedules_of(spec: dict[str, Any], timezone: str | None, *, active: bool) -> list[dict[str, Any]]:
    """The deployment's cron schedules as plain dicts, with the one timezone setting applied."""
    out = []
    for schedule in spec.get("schedules") or []:
        if "cron" not in schedule:
            raise DeployError(f"deployment {spec['name']}: only cron schedules are used here")
        out.append({"cron": schedule["cron"], "timezone": timezone or schedule.get("timezone") or "UTC",
                    "active": active and schedule.get("active", True)})
    return out


def flow_name_of(entrypoint: str, root: Path) -> str:
    """The flow's name from its decorator, read from the source without importing it."""
    from prefect.flows import load_flow_arguments_from_entrypoint

    path, func = entrypoint.rsplit(":", 1)
    arguments = load_flow_arguments_from_entrypoint(f"{root / path}:{func}", arguments={"name"})
    return arguments.get("name") or func.replace("_", "-")


def parameter_schema_of(entrypoint: str, root: Path) -> dict[str, Any]:
    from prefect.utilities.callables import parameter_schema_from_entrypoint

    path, func = entrypoint.rsplit(":", 1)
    return parameter_schema_from_entrypoint(f"{root / path}:{func}").model_dump_for_openapi()


def _schedule_key(schedule: dict[str, Any]) -> tuple:
    return schedule["cron"], schedule["timezone"], schedule["active"]


def _without_ids(value: Any) -> Any:
    """A trigger/action dump without generated ids, for comparing what the file says."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def same_automation(current: Any, desired: Any) -> bool:
    """Equal but for generated ids. Python-mode dumps: a trigger's `expect` is a set, and the order
    of its JSON list depends on the hash seed and on insertion order."""
    return _without_ids(current.model_dump()) == _without_ids(desired.model_dump())


# --- the API side ----------------------------------------------------------------------------------


class Deployer:
    def __init__(self, client: Any, project: dict[str, Any], root: Path, settings: Settings, *,
                 gpu_pool_type: str | None, pause_schedules: bool, automations_dir: Path) -> None:
        self.client = client
        self.project = project
        self.root = root
        self.settings = settings
        self.gpu_pool_type = gpu_pool_type
        self.pause_schedules = pause_schedules
        self.automations_dir = automations_dir
        self.changes: list[Change] = []
        self.pool_templates: dict[str, dict[str, Any]] = {}
        self.triggers: list[dict[str, Any]] = []  # deployment triggers, applied with the automations

    async def run(self) -> list[Change]:
        await self.pools()
        await self.deployments()
        await self.automations()
        return self.changes

    async def pools(self) -> None:
        from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
        from prefect.exceptions import ObjectNotFound

        for spec in pool_specs(self.project, self.settings.gpu_pool, self.gpu_pool_type):
            name, pool_type = spec["name"], spec["type"]
            variables = spec.get("base_job_variables")
            if name == self.settings.gpu_pool and pool_type == "docker":
                variables = gpu_pool_job_variables(self.settings, variables)
                if self.settings.database_url is not None and not self.settings.database_url_block:
                    self.changes.append(Change("setting", "MATCHFLOW_DATABASE_URL", "skipped", (
                        f"not given to {name}'s containers: store it in a Prefect Secret block and set "
                        "MATCHFLOW_DATABASE_URL_BLOCK to its name")))
            template = pool_job_template(pool_type, variables)
            limit = spec.get("concurrency_limit")
            try:
                existing = await self.client.read_work_pool(name)
            except ObjectNotFound:
                existing = None
            if existing is None:
                await self.client.create_work_pool(WorkPoolCreate(
                    name=name, type=pool_type, description=spec.get("description"), base_job_template=template,
                    concurrency_limit=limit))
                self.changes.append(Change("work pool", name, "created", pool_type))
            elif existing.type != pool_type:
                raise DeployError(f"work pool {name!r} exists with type {existing.type!r}, not {pool_type!r}: "
                                  f"delete it (`prefect work-pool delete {name}`) or pass --gpu-pool-type "
                                  f"{existing.type}")
            elif (existing.base_job_template != template or existing.description != spec.get("description")
                  or existing.concurrency_limit != limit):
                await self.client.update_work_pool(name, WorkPoolUpdate(
                    description=spec.get("description"), base_job_template=template, concurrency_limit=limit))
                self.changes.append(Change("work pool", name, "updated", pool_type))
            else:
                self.changes.append(Change("work pool", name, "unchanged", pool_type))
            self.pool_templates[name] = template
            await self.queues(name, spec.get("queues") or [])

    async def queues(self, pool: str, queues: list[dict[str, Any]]) -> None:
        from prefect.exceptions import ObjectNotFound

        for queue in queues:
            label = f"{pool}/{queue['name']}"
            try:
                existing = await self.client.read_work_queue_by_name(queue["name"], work_pool_name=pool)
            except ObjectNotFound:
                await self.client.create_work_queue(name=queue["name"], work_pool_name=pool,
                                                    priority=queue["priority"], description=queue.get("description"))
                self.changes.append(Change("work queue", label, "created", f"priority {queue['priority']}"))
                continue
            if existing.priority != queue["priority"]:
                await self.client.update_work_queue(existing.id, priority=queue["priority"])
                self.changes.append(Change("work queue", label, "updated", f"priority {queue['priority']}"))
            else:
                self.changes.append(Change("work queue", label, "unchanged", f"priority {queue['priority']}"))

    def _job_variables(self, pool: str, job_variables: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Job variables the pool's worker type understands; the rest are dropped (and reported)."""
        template = self.pool_templates.get(pool)
        if template is None:
            return job_variables, []
        known = template.get("variables", {}).get("properties", {})
        kept = {k: v for k, v in job_variables.items() if k in known}
        return kept, sorted(set(job_variables) - set(kept))

    async def deployments(self) -> None:
        from prefect.client.schemas.actions import DeploymentScheduleCreate
        from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions
        from prefect.client.schemas.schedules import CronSchedule
        from prefect.exceptions import ObjectNotFound

        pull = self.project.get("pull")
        for spec in self.project["deployments"]:
            entrypoint = spec["entrypoint"]
            flow_name = flow_name_of(entrypoint, self.root)
            label = f"{flow_name}/{spec['name']}"
            work_pool = spec.get("work_pool") or {}
            job_variables = dict(work_pool.get("job_variables") or {})
            if work_pool.get("name") == self.settings.gpu_pool:
                job_variables["env"] = {**(job_variables.get("env") or {}), **container_environment(self.settings)}
            job_variables, dropped = self._job_variables(work_pool.get("name"), job_variables)
            self.triggers += trigger_automations(spec, label)
            limit = spec.get("concurrency_limit")
            limit_value = limit.get("limit") if isinstance(limit, dict) else limit
            strategy = limit.get("collision_strategy") if isinstance(limit, dict) else None
            schedules = schedules_of(spec, self.settings.timezone, active=not self.pause_schedules)
            desired = {
                "description": spec.get("description"), "tags": spec.get("tags") or [],
                "parameters": spec.get("parameters") or {}, "work_pool_name": work_pool.get("name"),
                "work_queue_name": work_pool.get("work_queue_name"), "entrypoint": entrypoint,
                "pull_steps": spec.get("pull", pull), "job_variables": job_variables,
                "concurrency_limit": limit_value, "collision_strategy": strategy,
                "schedules": sorted(schedules, key=_schedule_key),
                "parameter_openapi_schema": parameter_schema_of(entrypoint, self.root),
            }
            try:
                existing = await self.client.read_deployment_by_name(label)
            except ObjectNotFound:
                existing = None
            note = f"dropped job variables {', '.join(dropped)} (not used by this pool type)" if dropped else ""
            if existing is not None and self._deployment_state(existing) == desired:
                self.changes.append(Change("deployment", label, "unchanged", note))
                continue
            flow_id = await self.client.create_flow_from_name(flow_name)
            await self.client.create_deployment(
                flow_id=flow_id, name=spec["name"], description=desired["description"], tags=desired["tags"],
                parameters=desired["parameters"], work_pool_name=desired["work_pool_name"],
                work_queue_name=desired["work_queue_name"], entrypoint=entrypoint, pull_steps=desired["pull_steps"],
                job_variables=job_variables, parameter_openapi_schema=desired["parameter_openapi_schema"],
                enforce_parameter_schema=True, concurrency_limit=limit_value,
                concurrency_options=ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy(strategy))
                if strategy else None,
                schedules=[DeploymentScheduleCreate(schedule=CronSchedule(cron=s["cron"], timezone=s["timezone"]),
                                                    active=s["active"]) for s in schedules])
            self.changes.append(Change("deployment", label, "created" if existing is None else "updated", note))

    @staticmethod
    def _deployment_state(existing: Any) -> dict[str, Any]:
        """The fields `deployments()` writes, read back from the API in the same shape."""
        limit = existing.global_concurrency_limit.limit if existing.global_concurrency_limit else None
        options = existing.concurrency_options
        return {
            "description": existing.description, "tags": list(existing.tags or []),
            "parameters": existing.parameters or {}, "work_pool_name": existing.work_pool_name,
            "work_queue_name": existing.work_queue_name, "entrypoint": existing.entrypoint,
            "pull_steps": existing.pull_steps, "job_variables": existing.job_variables or {},
            "concurrency_limit": limit,
            "collision_strategy": options.collision_strategy.value if options and limit else None,
            "schedules": sorted(({"cron": s.schedule.cron, "timezone": s.schedule.timezone, "active": s.active}
                                 for s in existing.schedules if hasattr(s.schedule, "cron")), key=_schedule_key),
            "parameter_openapi_schema": existing.parameter_openapi_schema,
        }

    async def _notification_block_id(self) -> tuple[Any, str]:
        from prefect.exceptions import ObjectNotFound

        name = self.settings.notification_block
        if not name:
            return None, "no notification: MATCHFLOW_NOTIFICATION_BLOCK is unset"
        if "/" not in name:
            raise DeployError(f"MATCHFLOW_NOTIFICATION_BLOCK={name!r}: use '<block-type-slug>/<name>'")
        slug, block_name = name.split("/", 1)
        try:
            block = await self.client.read_block_document_by_name(block_name, block_type_slug=slug)
        except ObjectNotFound:
            raise DeployError(f"notification block {name!r} not found: create it (UI: Blocks) or unset "
                              "MATCHFLOW_NOTIFICATION_BLOCK") from None
        return block.id, ""

    async def _resolve_actions(self, spec: dict[str, Any], block_id: Any) -> list[dict[str, Any]]:
        actions = []
        for action in spec.get("actions") or []:
            action = dict(action)
            if action.get("type") == "run-deployment" and "deployment" in action:
                deployment = await self.client.read_deployment_by_name(action.pop("deployment"))
                action.update(source="selected", deployment_id=str(deployment.id))
            if action.get("type") == "send-notification":
                if block_id is None:
                    continue
                action["block_document_id"] = str(block_id)
            actions.append(action)
        return actions

    async def automations(self) -> None:
        from prefect.events.schemas.automations import AutomationCore

        block_id, note = await self._notification_block_id()
        for spec in [*load_automations(self.automations_dir), *self.triggers]:
            actions = await self._resolve_actions(spec, block_id)
            desired = AutomationCore.model_validate({**spec, "actions": actions})
            found = await self.client.read_automations_by_name(desired.name)
            if not found:
                await self.client.create_automation(desired)
                self.changes.append(Change("automation", desired.name, "created", note))
                continue
            current = AutomationCore.model_validate(found[0].model_dump(include=set(AutomationCore.model_fields)))
            if same_automation(current, desired):
                self.changes.append(Change("automation", desired.name, "unchanged", note))
            else:
                await self.client.update_automation(found[0].id, desired)
                self.changes.append(Change("automation", desired.name, "updated", note))


async def _deploy(project: dict[str, Any], root: Path, settings: Settings, **options: Any) -> list[Change]:
    from prefect import get_client

    async with get_client() as client:
        problem = await client.api_healthcheck()
        if problem is not None:
            raise DeployError(f"the Prefect API at {api_url()} is unreachable ({type(problem).__name__}); "
                              "start it (`prefect server start`) or fix PREFECT_API_URL")
        return await Deployer(client, project, root, settings, **options).run()


def deploy(project_file: Path, settings: Settings, *, gpu_pool_type: str | None = None,
           pause_schedules: bool = False, automations_dir: Path | None = None) -> list[Change]:
    """Create or update pools, queues, deployments and automations; returns what was done to each."""
    api_url()
    project = load_project(project_file)
    root = project_file.resolve().parent
    return asyncio.run(_deploy(project, root, settings, gpu_pool_type=gpu_pool_type,
                               pause_schedules=pause_schedules,
                               automations_dir=automations_dir or root / "automations"))
