"""The issue's acceptance case, end to end, in a real terminal process.

"A full report for a realistic case (a 15-year-old who ran from a group home, insulin-dependent,
suspected exploitation, two earlier runs) can be completed in the terminal using unknowns, a back
and an edit, and the printed report holds every answer given and lists the open items."

``tests/transcripts/group_home_runaway.txt`` is piped whole into ``python -m bot console``. Each
answer's confirmation ("✓ Label: value") says which question it settled, so the checks follow
the run itself: the last value confirmed for each question must be in the submitted report, a
value replaced by ``back`` or ``edit`` must not, and the questions settled as unknown or skipped
must be exactly the open items.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from flows.commands import parse_command
from flows.missing_from_care import FLOW
from flows.schema import Repeat

pytestmark = pytest.mark.slow

TRANSCRIPT = Path(__file__).parent / "transcripts" / "group_home_runaway.txt"
NAME = "Alvarez, Destiny Marie"
BAD_HEIGHT = "tall"
CALL_911 = "⚠ Call 911 (or your local police) now"
CALL_READY = "⚠ You have what police need for the NCIC entry."
# Answers the console is allowed to store in another form than typed (choice numbers, yes/no,
# times, dates, phones, heights, weights, and "same", which copies an earlier answer); anything
# else must be confirmed word for word.
STRUCTURED = re.compile(
    r"yes|no|same|\d+(, \d+)*|\d+ (hours|minutes) ago|\d{4}-\d\d-\d\d|\d\d/\d\d/\d{4}"
    r"|\d{3}-\d{3}-\d{4}(, \d{3}-\d{3}-\d{4})*|\d'\d{1,2}\""
)
OPEN_ITEM = re.compile(r"  - (?P<section>.+?) › (?P<label>.+) — (?P<status>\w+)")


def tiny_png() -> bytes:
    """Returns a valid 1x1 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xb0\x80\x60")  # filter byte, then one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def question_labels() -> list[str]:
    """Returns every label a confirmation can start with, longest first."""
    labels: list[str] = []
    for section in FLOW.sections:
        for item in section.items:
            if isinstance(item, Repeat):
                for n in range(1, item.max_items + 1):
                    labels += [f"{item.title} {n}: {f.title}" for f in item.fields]
                    labels.append(f"{item.title} {n}: another?")
            else:
                labels.append(item.title)
    return sorted(labels, key=len, reverse=True)


LABELS = question_labels()


@dataclass(frozen=True)
class Exchange:
    """One message sent and everything printed in reply, up to the next prompt."""

    sent: str
    reply: str


@dataclass(frozen=True)
class Confirmation:
    """A '✓ Label: value' line: the question settled and its value as confirmed."""

    label: str
    value: str
    status: str  # answered, unknown or skipped
    open_item: bool


@dataclass(frozen=True)
class Run:
    """The console run: what was sent and what it printed."""

    workdir: Path
    photo: str
    messages: list[str]
    returncode: int
    stdout: str
    stderr: str


def environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'data' / 'intake.db'}",
        "TELEGRAM_BOT_TOKEN": "",
        "PYTHONIOENCODING": "utf-8",
    }


def transcript_messages(workdir: Path, *, today: date | None = None) -> tuple[list[str], str]:
    """Returns the transcript's messages with the placeholders filled in, and the photo path.

    Dates are relative to ``today``: the console's own clock when it runs as a process (the
    real one), the suite's ``NOW`` when the service runs in the test with that clock.
    """
    today = today or date.today()
    photo = workdir / "destiny_school_photo.png"
    photo.write_bytes(tiny_png())
    values = {
        # 15 years and 100 to 130 days ago: she is 15 whatever day the test runs.
        "dob": (date(today.year - 15, today.month, 1) - timedelta(days=100)).isoformat(),
        "photo": str(photo),
        "photo_date": (today - timedelta(days=60)).strftime("%m/%d/%Y"),
    }
    messages: list[str] = []
    for raw in TRANSCRIPT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        for key, value in values.items():
            line = line.replace("{" + key + "}", value)
        assert "{" not in line, f"unfilled placeholder in {line!r}"
        messages.append(line)
    return messages, str(photo)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    workdir = tmp_path_factory.mktemp("console_e2e")
    messages, photo = transcript_messages(workdir)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="\n".join(messages) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=workdir,
        env=environment(workdir),
        timeout=120,
    )
    return Run(workdir, photo, messages, result.returncode, result.stdout, result.stderr)


def exchanges(run: Run) -> list[Exchange]:
    """Splits the screen at the prompts; piped input is echoed right after each '> '."""
    found: list[Exchange] = []
    chunks = run.stdout.split("\n> ")[1:]
    if chunks and chunks[-1].startswith("\n"):
        chunks.pop()  # the prompt that met the end of the input
    for chunk in chunks:
        sent, _, reply = chunk.partition("\n")
        found.append(Exchange(sent, reply))
    assert [e.sent for e in found] == run.messages, "every message gets exactly one prompt"
    return found


def confirmation(reply: str) -> Confirmation | None:
    """Returns the reply's '✓ Label: value' line, if it has one."""
    found: list[Confirmation] = []
    for line in reply.splitlines():
        if not line.startswith("✓ "):
            continue
        body = line.removeprefix("✓ ")
        label = next((name for name in LABELS if body.startswith(f"{name}: ")), None)
        if label is None:
            continue  # "✓ Photo 1 saved.", "✓ Photos saved."
        value = body[len(label) + 2 :]
        settled = re.fullmatch(r"(unknown|skipped)\.( It is listed as an open item\.)?", value)
        if settled:
            found.append(Confirmation(label, settled[1], settled[1], bool(settled[2])))
        else:
            found.append(Confirmation(label, value, "answered", False))
    assert len(found) <= 1, reply
    return found[0] if found else None


def settled_answers(run: Run) -> dict[str, list[tuple[str, Confirmation]]]:
    """Returns, per question label, every (message, confirmation) that settled it, in order."""
    answers: dict[str, list[tuple[str, Confirmation]]] = {}
    for exchange in exchanges(run):
        sent, reply = exchange.sent, exchange.reply
        confirmed = confirmation(reply)
        command = parse_command(sent)
        if sent == run.photo:
            assert "✓ Photo 1 saved." in reply, reply
        elif sent == BAD_HEIGHT:
            assert confirmed is None and "✗ Please give the height with its unit" in reply
        elif command is None or command.name in ("unknown", "skip"):
            assert confirmed is not None, f"{sent!r} was not accepted:\n{reply}"
            answers.setdefault(confirmed.label, []).append((sent, confirmed))
        else:
            assert confirmed is None, f"the command {sent!r} settled a question:\n{reply}"
    return answers


def final_report(run: Run) -> str:
    """Returns the report printed when the report was submitted."""
    submitted = exchanges(run)[-1]
    assert submitted.sent == "submit"
    report, marker, _ = submitted.reply.partition("\nReport submitted.")
    assert marker, submitted.reply
    return report


def block(report: str, heading: str) -> str:
    """Returns the blank-line separated block of the report that starts with ``heading``."""
    blocks = [b for b in report.split("\n\n") if b.startswith(heading)]
    assert len(blocks) == 1, f"no single {heading!r} block in:\n{report}"
    return blocks[0]


def flat(text: str) -> str:
    """Joins wrapped lines: long answers are wrapped at 100 columns in the report."""
    return " ".join(text.split())


def test_a_whole_group_home_runaway_report_is_completed_in_the_terminal(run: Run) -> None:
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Started report #1.")
    steps = exchanges(run)
    answers = settled_answers(run)
    report = final_report(run)
    text = flat(report)

    # The transcript uses what the issue asks for.
    sent = [e.sent for e in steps]
    assert sent.count("unknown") >= 4
    assert sent.count("skip") >= 2
    assert sent.count("back") == 1
    assert sum(s.startswith("edit ") for s in sent) == 1

    # Exactly one answer was refused: the deliberate one, with a message that says what is wrong.
    errors = [line for line in run.stdout.splitlines() if line.startswith("✗")]
    assert errors == [
        "✗ Please give the height with its unit (feet and inches, inches or cm). "
        "Example: 5'4\" or 163 cm"
    ]

    # The last value confirmed for each question is in the report, with its label; free text
    # word for word. A value replaced by back or edit is nowhere in it.
    for label, given in answers.items():
        message, last = given[-1]
        if label.endswith(": another?"):
            continue  # "add another companion?" steps the interview; it is not an answer
        shown = {"unknown": "Unknown", "skipped": "Skipped"}.get(last.status, last.value)
        assert f"{label}: {shown}" in text, f"{label}: {shown}"
        if last.status == "answered" and last.value != message:
            assert STRUCTURED.fullmatch(message), f"{message!r} was stored as {last.value!r}"
        for _, earlier in given[:-1]:
            if earlier.value != last.value:
                assert earlier.value not in text, f"replaced answer still shown: {earlier}"
    assert "Photo: 1 photo" in text
    free_text = [m for g in answers.values() for m, c in g[-1:] if m == c.value]
    assert len(free_text) >= 60
    assert all(message in text for message in free_text)

    # back: the clothing was asked again, showing the answer it had; the new one replaced it.
    back = sent.index("back")
    old_clothing = answers["Clothing"][0][1].value
    assert f"(now: {old_clothing} — send a new answer, or 'keep')" in steps[back].reply
    assert [c.value for _, c in answers["Clothing"]] == [old_clothing, sent[back + 1]]
    # edit: the weight, long after it was given, is corrected and the flow goes on where it was.
    edit = sent.index("edit weight")
    assert "(now: 120 lb (54 kg) — send a new answer, or 'keep')" in steps[edit].reply
    assert [c.value for _, c in answers["Weight"]] == ["120 lb (54 kg)", "128 lb (58 kg)"]
    assert "Have police entered Destiny in NCIC? Send the NIC number." in steps[edit + 1].reply
    assert "120 lb" not in report and "[WGT 120]" not in report

    # The call-911 alert came with the triage answer that triggers it, and stays in the report.
    live = [(i, e.reply) for i, e in enumerate(steps) if "MISSING CHILD REPORT" not in e.reply]
    alerted = [i for i, reply in live if CALL_911 in reply]
    assert len(alerted) == 1
    assert confirmation(steps[alerted[0]].reply) == Confirmation(
        "Triage",
        "May be with someone who puts them in danger, "
        "In a known dangerous or life-threatening situation",
        "answered",
        False,
    )
    assert "(reasons: With someone who may endanger; Dangerous situation)" in text

    # The call-ready milestone came once, before the worker asked for the police read-out.
    ready = [i for i, e in enumerate(steps) if CALL_READY in e.reply]
    police = sent.index("police")
    assert len(ready) == 1
    assert ready[0] < police
    readout = steps[police].reply
    assert "POLICE READ-OUT (NCIC)" in readout
    assert "[WGT 120]" in readout  # the weight as it stood before the edit
    assert "CAUTIONS: " in readout
    assert "Sexual exploitation / trafficking" in flat(readout)

    # The submitted report opens with the read-out, NCIC-coded, with the edited weight.
    assert report.startswith(f"MISSING CHILD REPORT #1 — {NAME}\nStatus: submitted · generated ")
    # Long values wrap under their column; join them back to check each line whole.
    readout = re.sub(r"\n {20,}", " ", block(report, "POLICE READ-OUT (NCIC)"))
    for pattern in (
        rf"Name \.+ {NAME} \[NAM ALVAREZ, DESTINY MARIE\]",
        r"Date of birth \.+ \d{4}-\d\d-\d\d \(\w{3} \d{1,2}, \d{4}\) \[DOB \d{8}\]",
        r"Age \.+ 15",
        r"Sex \.+ Female \[SEX F\]",
        r"Race \.+ White \[RAC W\]",
        r"Height \.+ 5'5\" \(165 cm\) \[HGT 505\]",
        r"Weight \.+ 128 lb \(58 kg\) \[WGT 128\]",
        r"Eyes \.+ Brown \[EYE BRO\]",
        r"Hair \.+ Black \[HAI BLK\]",
        r"Last seen at \.+ Harmony House group home, 1450 Wayne Ave, Dayton, Montgomery County, OH",
        r"Category \(MKE\) \.+ Endangered — suggested: .+ \[MKE EME\]",
    ):
        assert re.search(rf"^  {pattern}$", readout, re.MULTILINE), pattern

    # The risk flags: medical, medication, exploitation and the third episode, with follow-ups.
    flags = block(report, "RISK FLAGS")
    raised = re.findall(r"^  ! (.+?) — ", flags, re.MULTILINE)
    for flag in (
        "Sexual exploitation / trafficking",
        "Repeat runaway: 3 or more episodes",
        "Prescription medication [CMC 80]",
        "Medical condition [CMC 01]",
    ):
        assert flag in raised, raised
    assert "Condition: Type 1 diabetes, insulin-dependent since age 9" in flat(flags)
    assert "Signs seen: Older boyfriend/girlfriend or adult friends, Hotel keys" in flat(flags)

    # The open items are exactly the required questions answered unknown or skipped, plus the
    # one checklist step no answer settles: no supervisor acknowledged in the terminal.
    expected = {label: g[-1][1].status for label, g in answers.items() if g[-1][1].open_item}
    items = block(report, "OPEN ITEMS (")
    matches = [m for m in map(OPEN_ITEM.fullmatch, items.splitlines()[1:]) if m]
    listed = {m["label"]: m["status"] for m in matches if m["section"] != "Checklist"}
    steps_open = {m["label"]: m["status"] for m in matches if m["section"] == "Checklist"}
    assert items.splitlines()[0] == f"OPEN ITEMS ({len(expected) + 1})"
    assert len(items.splitlines()) == len(expected) + 2
    assert listed == expected
    assert sorted(set(expected.values())) == ["skipped", "unknown"]
    assert steps_open == {"Reach a supervisor": "open"}

    # The checklist, in its order: police and NCMEC done with their numbers, the court and the
    # parents still open (skipped), the tribe ruled out (not a tribal member).
    checklist = [
        line
        for line in block(report, "CHECKLIST (Federal 24-hour deadlines)").splitlines()[1:]
        if not line.startswith("    ")  # a wrapped long answer
    ]
    marks = [line[:3] for line in checklist]
    assert marks == ["  ✓", "  ✓", "  ○", "  ○", "  ✓", "  ○", "  –", "  ✓"], checklist
    assert checklist[1] == "  ✓ Report to NCMEC — 1523364"
    assert checklist[4] == "  ✓ Notify the GAL / CASA / attorney — GAL Paul Dunn by voicemail"
    assert checklist[6] == "  – Notify the tribe (Indian child) — not applicable"

    # Both 24-hour duties run from the agency's notification and are done (case numbers given).
    deadlines = block(report, "DEADLINES (from agency notified ")
    assert re.search(r"^  Report to law enforcement: due .+ — done$", deadlines, re.MULTILINE)
    assert re.search(r"^  Report to NCMEC: due .+ — done$", deadlines, re.MULTILINE)

    # 'review' before submitting showed the same report, still in review.
    review = steps[sent.index("review")].reply
    assert f"MISSING CHILD REPORT #1 — {NAME}\nStatus: in review" in review


def comparable(report: str) -> str:
    """Drops what differs between the printed and the exported report: time, numbers, wrapping."""
    report = re.sub(r"· generated .+", "· generated", report)
    report = re.sub(r"(?m)^[ \d]{2}\d\. ", "  ", report)  # the numbers 'edit <n>' takes
    return flat(report)


def export(run: Run, fmt: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export", "1", "--format", fmt],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=run.workdir,
        env=environment(run.workdir),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_submitted_report_exports_as_json_and_as_the_text_printed(run: Run) -> None:
    assert run.returncode == 0, run.stderr
    printed = final_report(run)

    data = json.loads(export(run, "json"))
    assert data["subject"] == NAME
    assert data["state"] == "submitted"
    assert data["report_id"] == 1
    items = block(printed, "OPEN ITEMS (").splitlines()[1:]
    listed = [m["label"] for m in map(OPEN_ITEM.fullmatch, items) if m]
    assert len(listed) == len(items) >= 4
    assert [item["label"] for item in data["open_items"]] == listed
    assert {item["status"] for item in data["open_items"]} == {"unknown", "skipped", "open"}

    text = export(run, "text")
    assert text.startswith(f"MISSING CHILD REPORT #1 — {NAME}\nStatus: submitted · generated ")
    assert comparable(text) == comparable(printed)
