"""Manager links, and wins a manager logged for a report.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "manager_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, index=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )
    with op.batch_alter_table("wins") as wins:
        wins.add_column(sa.Column("logged_by_id", sa.Integer(), sa.ForeignKey("people.id", name="fk_wins_logged_by")))


def downgrade() -> None:
    with op.batch_alter_table("wins") as wins:
        wins.drop_column("logged_by_id")
    op.drop_table("manager_links")
