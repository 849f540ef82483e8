"""The outbox methods Trellis sends itself (composed when sent), beside Slack's own method names.

Kept apart so that handlers can queue them without importing the senders (which render Block Kit)."""

CHECKIN = "trellis.checkin"  # payload: {"checkin_id": int, "reminder": bool}
SHARE = "trellis.shareEntry"  # payload: {"checkin_id": int}
DIGEST = "trellis.digest"  # payload: {"manager_id": int, "week": "2026-W49"}
ASK_REMINDER = "trellis.askReminder"  # payload: {"ask_id": int}
ASK_FOLLOW_UP = "trellis.askFollowUp"  # payload: {"ask_id": int}
