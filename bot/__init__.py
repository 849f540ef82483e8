"""Process wiring: settings, Slack clients, the Bolt app, the command line, serve modes."""
