"""A win's posts in mentorship rooms are about the win, as its growth-channel posts are, so a win made
private or deleted is taken down from the rooms too (a mentor kept seeing it).

The room posts queued or sent so far get the win as their subject, and a win with a live one is marked as
having posts, so its next change takes them down.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX = sa.table("outbox", sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("subject", sa.String))


def upgrade() -> None:
    bind = op.get_bind()
    # The win's id is the key's second part ("room-win:<win>:<link>"): read here, the same on both databases.
    posts = bind.execute(
        sa.select(OUTBOX.c.id, OUTBOX.c.key).where(OUTBOX.c.key.like("room-win:%"), OUTBOX.c.subject.is_(None))
    ).all()
    for row_id, key in posts:
        bind.execute(sa.update(OUTBOX).where(OUTBOX.c.id == row_id).values(subject=f"win:{key.split(':')[1]}"))
    op.execute(
        "UPDATE wins SET in_channel = TRUE WHERE EXISTS (SELECT 1 FROM outbox WHERE outbox.team_id = wins.team_id"
        " AND outbox.subject = 'win:' || CAST(wins.id AS VARCHAR(20)) AND outbox.failed_at IS NULL"
        " AND outbox.cancelled_at IS NULL)"
    )


def downgrade() -> None:
    op.execute("UPDATE outbox SET subject = NULL WHERE key LIKE 'room-win:%'")
