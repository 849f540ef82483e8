"""A workspace remembers when the app was uninstalled from it, and an outbox row can be cancelled.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.add_column(sa.Column("uninstalled_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("cancelled_at")
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.drop_column("uninstalled_at")
