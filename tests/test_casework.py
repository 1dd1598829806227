"""The day after, in the service: a report handed over mid-question, open cases, search efforts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.service.intake import IntakeService
from flows.efforts import EffortAction
from flows.report import render_text
from storage import casework, staff
from storage import repository as repo
from storage.audit import AuditEvent
from storage.outbox import Notification
from storage.staff import Role
from tests.conftest import MATCH_KEY, NOW, ZONE
from tests.test_outbox import FLOW_WITH_DEADLINE as FLOW
from tests.test_outbox import Clock

ANA, BO, JO, EVE = "telegram:111", "telegram:222", "telegram:301", "telegram:666"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(engine: Engine, clock: Clock) -> IntakeService:
    with repo.transaction(engine) as session:
        staff.put(session, telegram_id=111, role=Role.STAFF, now=NOW, name="Ana W.")
        staff.put(session, telegram_id=222, role=Role.STAFF, now=NOW, name="Bo K.")
        staff.put(session, telegram_id=301, role=Role.SUPERVISOR, now=NOW, name="J. Smith")
    return IntakeService(flow=FLOW, engine=engine, clock=clock, zone=ZONE, match_key=MATCH_KEY)


def events(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    with Session(engine) as session:
        return [(e.event, e.actor, e.reason) for e in session.exec(select(AuditEvent))]


def test_a_report_handed_over_mid_question_is_continued_by_the_new_worker(
    service: IntakeService, engine: Engine
) -> None:
    service.start(ANA)
    service.handle_text(ANA, "no")
    asked = service.handle_text(ANA, "2011-03-07")
    assert asked.reply.prompt is not None and asked.reply.prompt.key == "child_name"
    handed = service.handover(ANA, asked.report_id, BO)
    assert handed.done
    assert handed.message == "Report #1 is now held by Bo K. (handed over from Ana W.)"
    refused = service.handle_text(ANA, "Destiny")
    assert refused.report_id != asked.report_id  # Ana's message no longer reaches report #1
    resumed = service.start(BO)
    assert resumed.report_id == 1 and resumed.reply.prompt is not None
    assert resumed.reply.prompt.key == "child_name"
    assert service.handle_text(BO, "Destiny").reply.prompt.key == "hair"  # type: ignore[union-attr]
    with Session(engine) as session:
        history = casework.handovers_of(session, report_id=1)
        notes = [(n.kind, n.recipient) for n in session.exec(select(Notification))]
    assert [(h.from_worker, h.to_worker, h.by_actor, h.at) for h in history] == [
        (ANA, BO, ANA, NOW)
    ]
    assert ("handed_over", 222) in notes and ("handed_away", 111) not in notes
    assert ("report.handed_over", ANA, f"from={ANA} to={BO}") in events(engine)


def test_a_stale_tap_of_the_old_worker_changes_nothing_after_a_handover(
    service: IntakeService,
) -> None:
    shown = service.start(ANA)
    service.handover(JO, shown.report_id, BO)
    tap = service.handle_choice(ANA, shown.report_id, shown.version, [0])
    assert tap.reply.error == "Not allowed."


def test_a_supervisor_hands_over_and_both_workers_are_told_but_a_stranger_may_not(
    service: IntakeService, engine: Engine
) -> None:
    report_id = service.start(ANA).report_id
    assert not service.handover(BO, report_id, BO).done  # not Bo's to take
    assert not service.handover(JO, report_id, "telegram:999").done  # not on the staff list
    assert service.handover(JO, report_id, BO).done
    with Session(engine) as session:
        kinds = {(n.kind, n.recipient) for n in session.exec(select(Notification))}
    assert {("handed_over", 222), ("handed_away", 111)} <= kinds
    assert ("authz.denied", BO, "handover") in events(engine)
    note = service.handover_note(1)
    assert note is not None and (note.from_name, note.by_name, note.to_name) == (
        "Ana W.",
        "J. Smith",
        "Bo K.",
    )
    assert note.question == "Is the child in immediate danger?"


def test_only_supervisors_see_the_open_cases_overdue_first(
    service: IntakeService, engine: Engine, clock: Clock
) -> None:
    for worker in (ANA, BO):
        service.start(worker)
        for text in ("no", "2011-03-07", "Destiny" if worker == ANA else "Malik", "brown"):
            service.handle_text(worker, text)
    service.handle_text(ANA, "today 09:00")
    service.handle_text(ANA, "today 10:00")  # Ana's clock starts: due tomorrow 10:00
    service.handle_text(BO, "yesterday 09:00")
    service.handle_text(BO, "yesterday 10:00")  # Bo's is overdue
    service.add_effort(ANA, None, EffortAction.SHELTERS, "Not at Haven House")
    assert service.open_cases(ANA) is None and service.open_cases(EVE) is None
    cases = service.open_cases(JO)
    assert cases is not None
    assert [(c.report_id, c.first_name, c.holder) for c in cases] == [
        (2, "Malik", "Bo K."),
        (1, "Destiny", "Ana W."),
    ]
    assert cases[1].last_effort == NOW and cases[0].last_effort is None
    assert cases[1].missing_since is not None and not cases[1].acknowledged
    assert ("authz.denied", ANA, "open_cases") in events(engine)


def test_search_efforts_join_the_report_as_a_timeline_and_only_the_holder_or_a_supervisor_adds(
    service: IntakeService, engine: Engine, clock: Clock
) -> None:
    report_id = service.start(ANA).report_id
    logged = service.add_effort(ANA, None, EffortAction.CALLED_CHILD, "Voicemail")
    assert logged.entry is not None and logged.report_id == report_id
    clock.now += timedelta(hours=3)
    assert service.add_effort(JO, report_id, EffortAction.FLYER).entry is not None
    assert service.add_effort(BO, report_id, EffortAction.OTHER).entry is None
    text = render_text(service.report(report_id), now=clock.now)
    assert "Sat Nov 28, 2026 12:00 EST — Called the child (Ana W.): Voicemail" in text
    assert "Sat Nov 28, 2026 15:00 EST — Flyer distributed (J. Smith)" in text
    with Session(engine) as session:
        stored = session.exec(select(casework.SearchEffort)).first()
    assert stored is not None and "Voicemail" not in (stored.outcome or "")  # sealed
    assert ("effort.added", ANA, "called_child") in events(engine)


def test_a_submitted_episode_quiet_for_a_week_asks_its_holder_for_a_search_effort(
    service: IntakeService, engine: Engine, clock: Clock
) -> None:
    service.start(ANA)
    for text in ("no", "2011-03-07", "Ana", "brown", "today 09:00", "today 10:00", "no"):
        service.handle_text(ANA, text)
    for text in ("skip", "skip", "no", "submit"):
        service.handle_text(ANA, text)
    assert service.report(1).state == "submitted"
    clock.now += timedelta(days=6)
    assert service.plan_effort_reminders() == 0
    clock.now += timedelta(days=1)
    assert service.plan_effort_reminders() == 1
    assert service.plan_effort_reminders() == 0  # once per quiet period
    service.add_effort(ANA, 1, EffortAction.HOSPITALS, "None admitted")
    clock.now += timedelta(days=7)
    assert service.plan_effort_reminders() == 1
    with Session(engine) as session:
        due = [n for n in session.exec(select(Notification)) if n.kind == "effort_due"]
    assert [n.recipient for n in due] == [111, 111]


def test_key_rotation_reseals_search_effort_outcomes_under_the_newest_key(
    service: IntakeService, engine: Engine
) -> None:
    from storage import crypto, rotation

    report_id = service.start(ANA).report_id
    service.add_effort(ANA, report_id, EffortAction.SHELTERS, "Not at Haven House")
    old = crypto.keyring_for(engine)
    fresh = crypto.Keyring.generate("k-new").keys
    newer = crypto.Keyring((*fresh, *old.keys), old.derive_root)
    crypto.attach(engine, newer)
    assert rotation.pending(engine) > 0
    rotation.rotate(engine, clock=lambda: NOW, pause=0)
    assert rotation.pending(engine) == 0
    with Session(engine) as session:
        stored = session.exec(select(casework.SearchEffort)).one()
    assert crypto.key_id(crypto.text_blob(stored.outcome or "")) == "k-new"
    text = render_text(service.report(report_id), now=NOW)
    assert "Not at Haven House" in text  # still opens after the rotation
