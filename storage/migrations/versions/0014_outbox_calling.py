"""An outbox row says when its sender had begun the Slack call, so only those rows are in doubt.

Before, every row a dead sender had claimed (a whole batch) came back in doubt and cost a
conversations.history call (and a conversations.open for a DM), Tier 3 calls, before it could go.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(sa.Column("calling", sa.Boolean(), nullable=False, server_default=sa.false()))
    # A row a sender holds now may be mid-call: keep it in doubt, as the old rule would have.
    op.execute("UPDATE outbox SET calling = TRUE WHERE lease_owner IS NOT NULL AND sent_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("calling")
