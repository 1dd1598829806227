"""Plain-text rendering of a ``Reply`` for the terminal."""

from __future__ import annotations

from flows.engine import Prompt, Reply
from flows.lifecycle import State
from flows.progress import progress_text
from flows.report import render_police_text, render_status_text, render_text
from flows.schema import Kind

NUMBERED_KINDS = (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.YES_NO)


def render_reply(reply: Reply, *, numbered: bool) -> str:
    """Renders one reply as text: confirmations, alerts, the asked-for view, then the question."""
    out: list[str] = list(reply.notices)
    out += [f"⚠ {alert}" for alert in reply.alerts]
    if reply.report is not None:
        now = reply.report.generated_at
        if reply.view == "police":
            out.append(render_police_text(reply.report))
        elif reply.view == "status":
            out.append(render_status_text(reply.report, now=now))
        else:
            out.append(render_text(reply.report, now=now, numbered=True))
    if reply.error:
        out.append(f"✗ {reply.error}")
    if reply.state == State.SUBMITTED and reply.prompt is None:
        out.append("Report submitted. Send 'edit' and a number to amend it.")
    if reply.prompt is not None:
        if reply.progress is not None:
            out.append(f"[{progress_text(reply.progress)}]")
        out += render_prompt(reply.prompt, numbered=numbered)
    return "\n".join(out)


def render_prompt(prompt: Prompt, *, numbered: bool) -> list[str]:
    """Renders a question with its hint, current answer and choices."""
    out = [prompt.text]
    if prompt.current:
        out.append(f"  (now: {prompt.current} — send a new answer, or 'keep')")
    if prompt.hint:
        out.append(f"  {prompt.hint}")
    if prompt.kind is Kind.PHOTO:
        out.append("  Type the path of an image file.")
    if numbered and (prompt.kind in NUMBERED_KINDS or prompt.is_sentinel):
        out.append("  " + "   ".join(f"{i}. {c.label}" for i, c in enumerate(prompt.choices, 1)))
    else:
        words = ", ".join(c.value for c in prompt.choices)
        out.append(f"  (or: {words})")
    return out
