"""The tables: reports, their answers, every change to an answer, and photos.

Tables hold plain values only (strings, JSON text, bytes); they know nothing of the flow. Answer
values are stored as JSON text in a column that a later cipher can fill with ciphertext instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, LargeBinary, TypeDecorator, UniqueConstraint
from sqlmodel import Column, Field, SQLModel, Text


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and returns them aware, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Converts to UTC; a naive datetime is a bug, so it is refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Marks what SQLite returns naive as UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(nullable: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable))


class Report(SQLModel, table=True):
    """One missing episode's report and where its conversation stands."""

    __tablename__ = "report"

    id: int | None = Field(default=None, primary_key=True)
    worker: str = Field(index=True, max_length=80)
    flow_id: str = Field(max_length=80)
    flow_version: str = Field(max_length=20)
    state: str = Field(index=True, max_length=20)
    focus: str | None = Field(default=None, max_length=200)
    pending: str | None = Field(default=None, max_length=40)
    failures: int = 0
    version: int = 0
    child_id: int | None = Field(default=None, index=True)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    submitted_at: datetime | None = _when(nullable=True)


class Answer(SQLModel, table=True):
    """The current answer to one question of one report."""

    __tablename__ = "answer"

    report_id: int = Field(foreign_key="report.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=200)
    status: str = Field(max_length=20)
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = _when()


class AnswerChange(SQLModel, table=True):
    """One change of one answer: who, when, the old and the new value. Never updated."""

    __tablename__ = "answer_change"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=200)
    old_status: str | None = Field(default=None, max_length=20)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_status: str = Field(max_length=20)
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    actor: str = Field(max_length=80)
    source: str = Field(max_length=40)
    changed_at: datetime = _when()


class Photo(SQLModel, table=True):
    """A photo given for a report, with its bytes so reports and exports can include it."""

    __tablename__ = "photo"
    __table_args__ = (UniqueConstraint("report_id", "file_unique_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    field_key: str = Field(max_length=200)
    file_id: str | None = Field(default=None, max_length=200)
    file_unique_id: str | None = Field(default=None, max_length=200)
    mime: str = Field(max_length=80)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _when()


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update already applied, so a re-delivered one changes nothing."""

    __tablename__ = "processed_update"

    # Telegram ids can outgrow 32 bits; BIGINT on PostgreSQL (SQLite integers are 64-bit anyway).
    update_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    processed_at: datetime = _when()


class MessageLink(SQLModel, table=True):
    """Which question a worker's chat message answered, so editing the message edits the answer."""

    __tablename__ = "message_link"

    worker: str = Field(primary_key=True, max_length=80)
    message_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=200)
