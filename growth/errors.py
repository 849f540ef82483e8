"""Domain exceptions: each carries a sentence fit to show the person who caused it."""


class GrowthError(Exception):
    """Base for errors a person can act on; `str(error)` is the message to show them."""


class NotAllowed(GrowthError):
    """The caller may not see or change this."""
