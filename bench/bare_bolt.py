"""The baseline: a Bolt app that verifies the signature and only acknowledges (commands and modal
submissions), on the same WSGI server."""

import os
import re

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

app = App(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
    token_verification_enabled=False,
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
