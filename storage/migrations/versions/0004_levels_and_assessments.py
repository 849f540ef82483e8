"""A person's level and target; self-assessments and their answers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.add_column(sa.Column("level_ref", sa.String(100)))
        people.add_column(sa.Column("target_ref", sa.String(100)))
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("framework_version_id", sa.Integer(), sa.ForeignKey("framework_versions.id"), nullable=False),
        sa.Column("target_ref", sa.String(100), nullable=False),
        sa.Column("total_gap", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "assessment_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessments.id"), nullable=False, index=True),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.UniqueConstraint("assessment_id", "competency_id", name="uq_assessment_answers_competency"),
    )


def downgrade() -> None:
    op.drop_table("assessment_answers")
    op.drop_table("assessments")
    with op.batch_alter_table("people") as people:
        people.drop_column("target_ref")
        people.drop_column("level_ref")
