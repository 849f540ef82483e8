"""A win says whether a post of it may be in the growth channel, so a change to a win never posted (most of
them) does not look for posts to take down: one round trip fewer on the most frequent click.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wins") as wins:
        wins.add_column(sa.Column("in_channel", sa.Boolean(), nullable=False, server_default=sa.false()))
    # The wins whose posts are still live (queued or sent, not taken down): the next change takes them down.
    op.execute(
        "UPDATE wins SET in_channel = TRUE WHERE EXISTS (SELECT 1 FROM outbox WHERE outbox.team_id = wins.team_id"
        " AND outbox.subject = 'win:' || CAST(wins.id AS VARCHAR(20)) AND outbox.failed_at IS NULL"
        " AND outbox.cancelled_at IS NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("wins") as wins:
        wins.drop_column("in_channel")
