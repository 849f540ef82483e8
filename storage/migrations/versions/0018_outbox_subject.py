"""An outbox row names what it is about, so the posts of one win are found through an index.

Taking a public win's posts down looked them up by a key prefix (`win-post:<win>:`), which no index
serves (LIKE needs the C collation on PostgreSQL, a NOCASE index on SQLite): every change to a win read
all of its workspace's outbox rows, a year of weekly check-ins included (82 ms at 200,000 rows).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("subject", sa.String(length=64), nullable=True))
    op.create_index("ix_outbox_team_subject", "outbox", ["team_id", "subject"])
    connection = op.get_bind()
    posts = connection.execute(
        sa.text("SELECT id, key FROM outbox WHERE key LIKE 'win-post:%' AND failed_at IS NULL")
    ).all()
    for row_id, key in posts:  # only posts still live can be taken down; there are few
        connection.execute(
            sa.text("UPDATE outbox SET subject = :subject WHERE id = :id"),
            {"subject": "win:" + key.split(":")[1], "id": row_id},
        )


def downgrade() -> None:
    op.drop_index("ix_outbox_team_subject", table_name="outbox")
    op.drop_column("outbox", "subject")
