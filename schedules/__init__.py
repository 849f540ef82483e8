"""The clock: one in-memory APScheduler per process, whose jobs are short idempotent ticks (find what
is due, write outbox rows under unique keys, send what is due). The database decides what goes once."""
