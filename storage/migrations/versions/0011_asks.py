"""Walk-away-with-a-win asks, 1:1s marked as held, and mentors.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "asks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("options", sa.Text()),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("two_way", sa.String(8), nullable=False),
        sa.Column("needed_by", sa.Date()),
        sa.Column("competency_id", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("outcome_win_id", sa.Integer(), sa.ForeignKey("wins.id")),
        sa.Column("request_key", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "request_key", name="uq_asks_team_request"),
    )
    op.create_table(
        "one_on_ones",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
    )

    op.create_table(
        "mentor_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("mentor_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sees", sa.String(64), nullable=False),
        sa.Column("room_channel_id", sa.String(32)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("mentor_links")
    op.drop_table("one_on_ones")
    op.drop_table("asks")
