"""Progress for long CLI work (tqdm), on a terminal only: tqdm turns itself off when standard error is
not a TTY, so a pipe, a log file or cron sees nothing but the command's own result lines."""

from __future__ import annotations

from tqdm import tqdm


def progress(what: str, *, total: int | None = None, unit: str = "it") -> tqdm:
    """A bar (or, without a total, a counter) on standard error while the work runs; gone when it ends."""
    return tqdm(total=total, desc=what, unit=unit, disable=None, leave=False, dynamic_ncols=True)
