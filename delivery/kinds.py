"""The outbox methods Trellis sends itself (composed when sent), beside Slack's own method names.

A row of one of these kinds names what to send (a check-in, an ask); its sender in `delivery.senders`
looks again just before sending, and sends nothing when the reason has gone."""

CHECKIN = "trellis.checkin"  # payload: {"checkin_id": int, "reminder": bool}
SHARE = "trellis.shareEntry"  # payload: {"checkin_id": int}
GROWTH_POST = "trellis.growthPost"  # payload: a chat.postMessage's, posted to the growth channel of when it is sent
DIGEST = "trellis.digest"  # payload: {"manager_id": int, "week": "2026-W49"}
ASK_REMINDER = "trellis.askReminder"  # payload: {"ask_id": int}
ASK_FOLLOW_UP = "trellis.askFollowUp"  # payload: {"ask_id": int}
ASSESSMENT_CHART = "trellis.assessmentChart"  # payload: {"assessment_id": int}
PACKET = "trellis.packet"  # payload: {"person_id": int, "format": "md" | "html" | "pdf", "to": the asker's user id}
FEEDBACK_REMINDER = "trellis.feedbackReminder"  # payload: {"request_id": int, "which": "soon" | "today"}
FEEDBACK_RESULTS = "trellis.feedbackResults"  # payload: {"round_id": int, "to": user id}
FEEDBACK_CHART = "trellis.feedbackChart"  # payload: {"round_id": int, "to": user id}
PERSONAL_DATA = "trellis.personalData"  # payload: {"person_id": int, "to": user id}: their data, as a JSON file
PICTURE = "trellis.homePicture"  # payload: {"person_id": int, "kind": "readiness" | "gap-trend"}

# The methods whose call posts one new message (Slack's answer says where): a row of one of these taken
# back while Slack had it (`storage.outbox.record_sent`) has that message deleted after it. Not CHECKIN:
# its sender records the send itself, and the check-in DM of a person whose data is deleted is their own.
POSTS = frozenset(
    {
        "chat.postMessage",
        SHARE,
        GROWTH_POST,
        DIGEST,
        ASK_REMINDER,
        ASK_FOLLOW_UP,
        FEEDBACK_REMINDER,
        FEEDBACK_RESULTS,
    }
)
