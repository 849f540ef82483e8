"""Block Kit parts that are the same in every message they are in, turned into their dicts once.

slack_sdk validates a model every time it is turned into a dict, and the answer to `/win` (and every
redraw of it after a click) carries the same visibility menu and the same Undo confirmation each time.
Turning the answer's blocks into dicts was a quarter of the instructions a `/win` cost, and those two
parts more than half of that; made once, a `/win` went from 6.8 M to 5.6 M instructions on PostgreSQL
and a click from 9.5 M to 8.8 M (bench/request_cost.py).

A fixed part is a slack_sdk model like any other, built the same way. slack_sdk validates it at its
first `to_dict`, so a part Slack would refuse still fails at once (and in the builders' tests); every
later `to_dict` is a fresh copy of that first dict, so whoever changes what it was given changes nothing
shared. slack_sdk keeps no such cache. A fixed part is made once, at import or in a `functools.cache`,
and never changed after.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ConfirmObject, StaticSelectElement


class _Fixed:
    _made: dict[tuple[Any, ...], str]

    def to_dict(self, *args: Any, **named: Any) -> dict[str, Any]:
        made = self.__dict__.setdefault("_made", {})
        key = (*args, *sorted(named.items()))
        if key not in made:  # two threads may both make it: the same dict
            made[key] = json.dumps(super().to_dict(*args, **named))  # type: ignore[misc]
        return json.loads(made[key])  # type: ignore[no-any-return]


class FixedConfirm(_Fixed, ConfirmObject):
    """A confirmation dialog whose words never change."""


class FixedStaticSelect(_Fixed, StaticSelectElement):
    """A menu whose options, choice and ids never change."""
