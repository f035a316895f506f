"""Keep secrets and personal data out of logs: a filter on every handler that masks each record.

Masks e-mail addresses, phone numbers, signed-URL query strings and the configured secrets (the Fillout
API key, the database password) in the final message, whoever logged it (matchflow, Prefect, httpx).
Installed by the CLI and at the start of every chain run, so worker processes are covered too.
"""

from __future__ import annotations

import logging

from matchflow.fillout.masking import mask_text
from matchflow.settings import Settings

LOGGERS = ("", "prefect", "prefect.flow_runs", "prefect.task_runs", "httpx", "matchflow")


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__("matchflow-redaction")
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text, self.secrets)
        return True


def configured_secrets(settings: Settings) -> tuple[str, ...]:
    secrets = []
    if settings.fillout_api_key is not None:
        secrets.append(settings.fillout_api_key.get_secret_value())
    if settings.database_url is not None:
        from urllib.parse import unquote, urlsplit

        password = urlsplit(settings.database_url.get_secret_value()).password
        if password:
            secrets += [password, unquote(password)]  # as written in the URL, and as the driver sends it
    return tuple(secrets)


def mask_in_logs(secret: str) -> None:
    """Add a secret read at run time (from a Prefect Secret block) to every installed filter."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for target in [*logger.handlers, logger]:
            for existing in [f for f in target.filters if isinstance(f, RedactingFilter)]:
                if secret and secret not in existing.secrets:
                    existing.secrets = (*existing.secrets, secret)


def install_redaction(settings: Settings) -> RedactingFilter:
    """Attach one RedactingFilter to every handler of the loggers matchflow and Prefect log through."""
    redacting = RedactingFilter(configured_secrets(settings))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        targets = [*logger.handlers, logger]
        for target in targets:
            for existing in [f for f in target.filters if isinstance(f, RedactingFilter)]:
                target.removeFilter(existing)
            target.addFilter(redacting)
    return redacting
