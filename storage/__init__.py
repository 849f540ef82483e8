"""Tables, engine and sessions, queries, migrations and the outbox. No Slack here."""
