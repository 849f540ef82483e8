"""A manager notes the week of their last digest queued, so the digest tick stops offering it every minute.

The tick offered every confirmed manager's digest at each run from Monday 09:00 to the week's end, and
the outbox's unique key skipped all but the first. On PostgreSQL each skipped row still took an id from
`outbox_id_seq`: about 9,500 a week per manager, which spends the 32-bit ids in about 22 weeks with
10,000 managers. Existing managers start with none noted: their digest of this week is offered once more
and skipped as before (its key), then noted.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("people", sa.Column("digest_week", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.drop_column("digest_week")
