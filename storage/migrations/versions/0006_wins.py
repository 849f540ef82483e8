"""The wins log: wins and the competencies they are tagged with.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("what", sa.Text()),
        sa.Column("how", sa.Text()),
        sa.Column("why", sa.Text()),
        sa.Column("evidence_url", sa.String(1000)),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("request_key", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "request_key", name="uq_wins_team_request"),
    )
    op.create_table(
        "win_competencies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("win_id", sa.Integer(), sa.ForeignKey("wins.id"), nullable=False, index=True),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("win_id", "competency_id", name="uq_win_competencies"),
    )


def downgrade() -> None:
    op.drop_table("win_competencies")
    op.drop_table("wins")
