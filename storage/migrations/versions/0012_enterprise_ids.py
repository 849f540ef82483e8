"""People and queued outbox rows of an Enterprise Grid workspace get the org's id.

People a command named were created without it, and every queued row was written without it, so on a
Grid install their messages looked the installation up with no org and failed as not installed. The
workspace's row knows the org from its first request.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROM_WORKSPACE = "(SELECT w.enterprise_id FROM workspaces w WHERE w.team_id = {table}.team_id)"


def upgrade() -> None:
    op.execute(f"UPDATE people SET enterprise_id = {FROM_WORKSPACE.format(table='people')} WHERE enterprise_id IS NULL")
    op.execute(
        f"UPDATE outbox SET enterprise_id = {FROM_WORKSPACE.format(table='outbox')} "
        "WHERE enterprise_id IS NULL AND sent_at IS NULL AND failed_at IS NULL"
    )


def downgrade() -> None:
    """Nothing to undo: the ids are right either way."""
