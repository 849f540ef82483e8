"""Weekly growth threads: check-in plans, one check-in per person and ISO week, Slack statuses, in-doubt rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, unique=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("paused_until", sa.Date()),
        sa.Column("skip_week", sa.String(8)),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("share", sa.Boolean(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), index=True),
        sa.Column("dm_channel_id", sa.String(32)),
        sa.Column("thread_channel_id", sa.String(32)),
        sa.Column("thread_ts", sa.String(32)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("nudge", sa.String(8)),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("learned", sa.Text()),
        sa.Column("operated", sa.Text()),
        sa.Column("blockers", sa.Text()),
        sa.Column("replies", sa.Text()),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("objective_id", sa.Integer(), sa.ForeignKey("objectives.id")),
        sa.Column("win_id", sa.Integer(), sa.ForeignKey("wins.id")),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("person_id", "week", name="uq_checkins_person_week"),
    )
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(sa.Column("in_doubt", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("people") as people:
        people.add_column(sa.Column("status_text", sa.String(150)))
        people.add_column(sa.Column("status_emoji", sa.String(100)))
        people.add_column(sa.Column("status_expiration", sa.Integer()))
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.add_column(sa.Column("directory_refreshed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as workspaces:
        workspaces.drop_column("directory_refreshed_at")
    with op.batch_alter_table("people") as people:
        for column in ("status_expiration", "status_emoji", "status_text"):
            people.drop_column(column)
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("in_doubt")
    op.drop_table("checkins")
    op.drop_table("checkin_plans")
