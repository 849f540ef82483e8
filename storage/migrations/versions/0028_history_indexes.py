"""Indexes for the statements that run every minute or on every request, so that history does not slow
them: each read walked rows that only accumulate.

- The feedback job's open rounds due (`status`, `due_at`): it walked the index of `due_at` over every
  round ever closed (500,000 closed rounds: 72 ms on PostgreSQL, 370 ms on SQLite, every minute).
- The digest tick's confirmed managers (`status`, `manager_id`): it read every ended and declined link.
- Each request's newest framework version of its workspace (`team_id`, `id`) and (`team_id`,
  `imported_at`): PostgreSQL walked the primary key back past every version other workspaces imported
  since (20,000 of them: 4.8 ms on every request), SQLite read each version's whole text.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_feedback_rounds_status_due_at", "feedback_rounds", ["status", "due_at"])
    op.drop_index("ix_feedback_rounds_due_at", table_name="feedback_rounds")
    op.create_index("ix_manager_links_status_manager_id", "manager_links", ["status", "manager_id"])
    op.create_index("ix_framework_versions_team_id_id", "framework_versions", ["team_id", "id"])
    op.create_index("ix_framework_versions_team_id_imported_at", "framework_versions", ["team_id", "imported_at"])


def downgrade() -> None:
    op.drop_index("ix_framework_versions_team_id_imported_at", table_name="framework_versions")
    op.drop_index("ix_framework_versions_team_id_id", table_name="framework_versions")
    op.drop_index("ix_manager_links_status_manager_id", table_name="manager_links")
    op.create_index("ix_feedback_rounds_due_at", "feedback_rounds", ["due_at"])
    op.drop_index("ix_feedback_rounds_status_due_at", table_name="feedback_rounds")
