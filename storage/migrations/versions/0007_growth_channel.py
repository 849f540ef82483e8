"""The workspace's growth channel, where public wins are posted.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.add_column(sa.Column("growth_channel_id", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.drop_column("growth_channel_id")
