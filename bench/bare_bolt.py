"""The baseline: a Bolt app that verifies the signature and only acknowledges (commands and modal
submissions), on the same WSGI server. Bolt's defaults (thread mode), unless BARE_BOLT_PROCESS_BEFORE_RESPONSE
is set: then each listener runs in the request's thread, the least work Bolt can do for a request."""

import os
import re

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

app = App(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
    token_verification_enabled=False,
    process_before_response=bool(os.environ.get("BARE_BOLT_PROCESS_BEFORE_RESPONSE")),
)


@app.command(re.compile(r".*"))
def acknowledge(ack: Ack) -> None:
    ack()


@app.action(re.compile(r".*"))
def acknowledge_action(ack: Ack) -> None:
    ack()


@app.view(re.compile(r".*"))
def acknowledge_submission(ack: Ack) -> None:
    ack()


api = SlackRequestHandler(app)
