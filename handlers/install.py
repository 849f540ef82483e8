"""The install's life as Slack tells it: the app uninstalled from a workspace, or its tokens revoked.

Trellis stops everything queued for the workspace and keeps its data for the retention period
(`growth.workspaces`); in OAuth mode Bolt's token revocation listeners then delete the installation
from slack_sdk's store. Both steps may run again on Slack's retry and change nothing more.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from growth.workspaces import uninstalled
from handlers.services import Services, services_of


def app_uninstalled(context: BoltContext, logger: logging.Logger) -> None:
    services = services_of(context)
    if not _stop(services, context, logger, why="uninstalled"):
        return
    if services.revocations is not None:
        services.revocations.handle_app_uninstalled_events(context)


def tokens_revoked(event: dict[str, Any], context: BoltContext, logger: logging.Logger) -> None:
    """A revoked bot token means the workspace can be served no more, as if uninstalled; user tokens
    (Trellis asks for none) only leave the store."""
    services = services_of(context)
    tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
    revoked = {kind: [str(user) for user in _list(tokens.get(kind))] for kind in ("oauth", "bot")}
    if revoked["bot"] and not _stop(services, context, logger, why="bot token revoked"):
        return
    if services.revocations is not None and context.team_id:
        services.revocations.handle_tokens_revoked_events({"tokens": revoked}, context)


def _stop(services: Services, context: BoltContext, logger: logging.Logger, *, why: str) -> bool:
    """Mark the workspace uninstalled and cancel what is queued; False when the event names no workspace."""
    if not context.team_id:
        logger.warning("ignored an install event without a workspace (%s)", why)
        return False
    with services.work() as work:
        work.notify(uninstalled(work.session, team_id=context.team_id, now=work.now))
    logger.info("workspace %s: %s; queued messages cancelled, data kept for the retention period", context.team_id, why)
    return True


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
