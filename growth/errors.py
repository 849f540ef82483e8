"""Domain exceptions: each carries a sentence fit to show the person who caused it."""


class GrowthError(Exception):
    """Base for errors a person can act on; `str(error)` is the message to show them, and `field`, when
    set, names the form field it is about."""

    field: str | None = None


class NotAllowed(GrowthError):
    """The caller may not see or change this."""
