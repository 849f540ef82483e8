"""The clock: APScheduler jobs that find due work and hand it to growth and the outbox."""
