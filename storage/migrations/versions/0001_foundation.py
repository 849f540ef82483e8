"""Foundation: workspaces, people, the outbox, event receipts.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, unique=True),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("name", sa.String(255)),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, index=True),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("tz", sa.String(64)),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("profile_refreshed_at", UTC),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.UniqueConstraint("team_id", "slack_user_id", name="uq_people_team_user"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("due_at", UTC, nullable=False, index=True),
        sa.Column("next_attempt_at", UTC, nullable=False, index=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", UTC),
        sa.Column("sent_at", UTC),
        sa.Column("failed_at", UTC),
        sa.Column("last_error", sa.String(255)),
        sa.Column("response", sa.Text()),
        sa.Column("created_at", UTC, nullable=False),
        sa.UniqueConstraint("team_id", "key", name="uq_outbox_team_key"),
    )
    op.create_table(
        "event_receipts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("received_at", UTC, nullable=False, index=True),
        sa.UniqueConstraint("team_id", "event_id", name="uq_event_receipts_team_event"),
    )


def downgrade() -> None:
    op.drop_table("event_receipts")
    op.drop_table("outbox")
    op.drop_table("people")
    op.drop_table("workspaces")
