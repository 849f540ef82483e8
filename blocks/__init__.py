"""Block Kit: pure functions from growth's types to slack_sdk models (messages, modals, the App Home),
the ids Slack echoes back, and the escaping that keeps people's words from pinging anyone."""
