"""Domain exceptions: each carries a sentence fit to show the person who caused it."""


class GrowthError(Exception):
    """Base for errors a person can act on; `str(error)` is the message to show them, and `field`, when
    set, names the form field it is about."""

    field: str | None = None


class NotAllowed(GrowthError):
    """The caller may not see or change this."""


# A Slack request key (a trigger, a modal) names what one person's request made: sent again by someone
# else it changes nothing, and shows nothing of the first person's.
REPLAYED = "That request was already used, so nothing was changed. Please try again."
