"""The service over a real SQLite file: every step committed, resumable, per worker."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql
from sqlmodel import Session

from bot.service.intake import IntakeService, ReportNotFound
from flows.schema import Flow
from storage import repository as repo
from tests.conftest import MATCH_KEY, NOW, ZONE

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 32


def service_for(flow: Flow, engine: Engine) -> IntakeService:
    return IntakeService(
        flow=flow, engine=engine, clock=lambda: NOW, zone=ZONE, match_key=MATCH_KEY
    )


def answers_of(engine: Engine, report_id: int) -> dict[str, tuple[str, object]]:
    with Session(engine) as session:
        return repo.load_answers(session, report_id=report_id)


def test_each_answer_is_committed_before_the_reply(mini: Flow, engine: Engine) -> None:
    service = service_for(mini, engine)
    started = service.start("console:ana")
    service.handle_text("console:ana", "no")
    outcome = service.handle_text("console:ana", "2011-03-07")
    assert outcome.report_id == started.report_id
    assert answers_of(engine, outcome.report_id) == {
        "danger": ("answered", "no"),
        "dob": ("answered", "2011-03-07"),
    }


def test_a_restarted_service_resumes_at_the_same_question(mini: Flow, engine: Engine) -> None:
    first = service_for(mini, engine)
    first.start("console:ana")
    for text in ("no", "2011-03-07", "Ana Ruiz", "back"):
        first.handle_text("console:ana", text)
    again = service_for(mini, engine).start("console:ana")
    assert again.reply.event == "resumed"
    assert again.reply.prompt is not None and again.reply.prompt.key == "child_name"
    assert again.reply.prompt.current == "Ana Ruiz"


def test_a_failed_commit_shows_nothing_as_saved(
    mini: Flow, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_for(mini, engine)
    report_id = service.start("console:ana").report_id

    def broken_commit(self: Session) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Session, "commit", broken_commit)
    with pytest.raises(OSError):
        service.handle_text("console:ana", "no")
    monkeypatch.undo()
    assert answers_of(engine, report_id) == {}
    assert service.start("console:ana").reply.prompt is not None


def test_several_workers_report_at_once_without_mixing(mini: Flow, engine: Engine) -> None:
    service = service_for(mini, engine)
    ana = service.start("console:ana").report_id
    bo = service.start("console:bo").report_id
    service.handle_text("console:ana", "yes")
    service.handle_text("console:bo", "no")
    assert answers_of(engine, ana) == {"danger": ("answered", "yes")}
    assert answers_of(engine, bo) == {"danger": ("answered", "no")}


def test_new_starts_a_fresh_report_and_keeps_the_old_one(mini: Flow, engine: Engine) -> None:
    service = service_for(mini, engine)
    old = service.start("console:ana").report_id
    service.handle_text("console:ana", "yes")
    new = service.start("console:ana", new=True).report_id
    assert new != old and answers_of(engine, old) == {"danger": ("answered", "yes")}


def test_every_change_is_kept_as_history_with_who_and_how(mini: Flow, engine: Engine) -> None:
    service = service_for(mini, engine)
    report_id = service.start("console:ana").report_id
    for text in ("no", "2011-03-07", "Ana", "edit name", "Ana Ruiz"):
        service.handle_text("console:ana", text)
    with Session(engine) as session:
        changes = [
            (c.key, c.old_value, c.new_value, c.source)
            for c in repo.history(session, report_id=report_id)
        ]
    assert changes[-2:] == [
        ("child_name", None, '"Ana"', "answer"),
        ("child_name", '"Ana"', '"Ana Ruiz"', "edit"),
    ]


def test_a_photo_is_stored_with_its_bytes_and_answers_the_question(
    mini: Flow, engine: Engine
) -> None:
    service = service_for(mini, engine)
    report_id = service.start("w").report_id
    for text in ("no", "2011-03-07", "Ana", "brown", "today 09:00", "today 10:00", "no", "skip"):
        service.handle_text("w", text)
    outcome = service.add_photo("w", content=JPEG, mime="image/jpeg", file_unique_id="u1")
    assert "Photo 1 saved" in outcome.reply.notices[0]
    status, value = answers_of(engine, report_id)["photo"]
    assert status == "answered" and isinstance(value, list) and len(value) == 1


def test_a_photo_sent_when_none_is_asked_is_not_stored(mini: Flow, engine: Engine) -> None:
    service = service_for(mini, engine)
    report_id = service.start("w").report_id
    outcome = service.add_photo("w", content=JPEG, mime="image/jpeg")
    assert outcome.reply.error is not None
    with Session(engine) as session:
        assert (
            session.exec(  # type: ignore[call-overload]
                sql("SELECT count(*) FROM photo")
            ).scalar()
            == 0
        )
    assert answers_of(engine, report_id) == {}


def test_export_gives_text_and_json(mini: Flow, engine: Engine) -> None:
    service = service_for(mini, engine)
    report_id = service.start("w").report_id
    for text in ("no", "2011-03-07", "Ana Ruiz"):
        service.handle_text("w", text)
    assert "Ana Ruiz" in service.export(report_id, fmt="text")
    assert json.loads(service.export(report_id, fmt="json"))["subject"] == "Ana Ruiz"
    with pytest.raises(ReportNotFound):
        service.export(999, fmt="text")
