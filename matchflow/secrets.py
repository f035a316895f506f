"""Secrets come from the environment or from a Prefect Secret block, never from files in the repository.

A block name is resolved through the Prefect API when the secret is first needed (the worker's API, so a
deployment carries only the block's name), and the value is handed to the log filter so it is masked
like one read from the environment.
"""

from __future__ import annotations

from pydantic import SecretStr


class SecretConfigError(RuntimeError):
    """A configured secret block could not be read."""


def resolve_secret(value: SecretStr | None, block: str | None) -> str | None:
    """The block's value when a block is named, else the environment's value, else None."""
    if block:
        from prefect.blocks.system import Secret

        try:
            secret = str(Secret.load(block).get())
        except (ValueError, RuntimeError) as exc:
            raise SecretConfigError(f"Prefect Secret block {block!r} could not be loaded: {exc}") from None
        from matchflow.logs import mask_in_logs

        mask_in_logs(secret)
        return secret
    return value.get_secret_value() if value is not None else None
