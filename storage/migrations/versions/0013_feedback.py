"""Structured feedback against the next level: rounds, the people asked, their answers and ratings.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feedback_rounds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("asked_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("framework_version_id", sa.Integer(), sa.ForeignKey("framework_versions.id"), nullable=False),
        sa.Column("target_ref", sa.String(100), nullable=False),
        sa.Column("competencies", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("min_answers", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("due_at", WHEN, nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_at", WHEN),
        sa.Column("shared_with_id", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("opened_again", sa.Boolean(), nullable=False),
        sa.Column("request_key", sa.String(128), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("team_id", "request_key", name="uq_feedback_rounds_team_request"),
    )
    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("feedback_rounds.id"), nullable=False, index=True),
        sa.Column("responder_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("is_manager", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("round_id", "responder_id", name="uq_feedback_requests_round_responder"),
    )
    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("feedback_rounds.id"), nullable=False, index=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("feedback_requests.id"), unique=True),
        sa.Column("from_manager", sa.Boolean(), nullable=False),
        sa.Column("biggest_gap", sa.Text()),
        sa.Column("next_step", sa.Text()),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "feedback_ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("feedback_answers.id"), nullable=False, index=True),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.Column("rating", sa.String(16)),
        sa.Column("example", sa.Text()),
        sa.UniqueConstraint("answer_id", "competency_id", name="uq_feedback_ratings_competency"),
    )
    with op.batch_alter_table("people") as people:
        people.add_column(sa.Column("is_bot", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.drop_column("is_bot")
    for table in ("feedback_ratings", "feedback_answers", "feedback_requests", "feedback_rounds"):
        op.drop_table(table)
