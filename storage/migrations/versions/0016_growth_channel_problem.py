"""A growth channel Trellis cannot post in: the workspace keeps the problem, and posts wait for it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.add_column(sa.Column("growth_channel_problem", sa.String(32)))
        workspaces.add_column(sa.Column("growth_channel_problem_since", sa.DateTime(timezone=True)))
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("waiting_since")
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.drop_column("growth_channel_problem_since")
        workspaces.drop_column("growth_channel_problem")
