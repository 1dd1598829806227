"""refused updates counted per sender and window

Revision ID: 0006_auth_denial
Create Date: 2026-12-02 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_auth_denial"
down_revision: str | Sequence[str] | None = "0005_outbox_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        "auth_denial",
        sa.Column("sender", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender", "window_start"),
    )


def downgrade() -> None:
    """Reverts this revision."""
    op.drop_table("auth_denial")
