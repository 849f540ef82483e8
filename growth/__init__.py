"""The career-growth domain: plain Python, typed, Slack-free."""
