"""Checks a flow definition once, at start-up and in tests, so the engine can trust it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flows.conditions import Condition
from flows.schema import (
    CARRY_SOURCES,
    Alert,
    Field,
    Flow,
    FlowDefinitionError,
    Kind,
    Repeat,
    RiskFlag,
)
from flows.slots import MORE

CHOICE_KINDS = (Kind.CHOICE, Kind.MULTI_CHOICE)


def validate_flow(flow: Flow) -> Flow:
    """Returns the flow unchanged, or raises FlowDefinitionError naming the first broken field."""
    order: dict[str, int] = {}
    for position, (fld, repeat) in enumerate(_fields(flow)):
        _check_field(fld, order, repeat)
        order[fld.name] = position
    flag_reads = _check_flags(flow, order)
    for position, (fld, repeat) in enumerate(_fields(flow)):
        for condition in _conditions_of(flow, fld, repeat):
            _check_condition(fld.name, condition, order, position, flag_reads)
        if fld.not_before is not None:
            other = _known(fld.name, fld.not_before, order)
            if order[other] >= position or flow.field(other).kind is not Kind.DATETIME:
                raise FlowDefinitionError(
                    f"field {fld.name!r}: not_before must name an earlier datetime field"
                )
        if fld.same_as:
            other = _known(fld.name, fld.same_as, order)
            if order[other] >= position or flow.field(other).kind is not fld.kind:
                raise FlowDefinitionError(
                    f"field {fld.name!r}: same_as must name an earlier field of its kind"
                )
    for alert in flow.alerts:
        for trigger in alert.triggers:
            for name in trigger.when.fields():
                _known(f"alert {alert.name}", name, order)
    for category in flow.categories:
        if category.when is not None:
            for name in category.when.fields():
                _known(f"category {category.code}", name, order)
    for milestone in flow.milestones:
        for name in milestone.requires:
            _known(f"milestone {milestone.name}", name, order)
    for name in flow.readout:
        _known("readout", name, order)
    for name in (flow.subject_field, flow.clock_field):
        if name:
            _known("flow", name, order)
    for deadline in flow.deadlines:
        if deadline.done_field:
            _known(f"deadline {deadline.name}", deadline.done_field, order)
    for group in flow.child_keys:
        for name in group:
            _known("child_keys", name, order)
    _check_carry(flow)
    _check_facts(flow)
    _check_checklist(flow, order)
    return flow


def _check_carry(flow: Flow) -> None:
    """Carrying marks must mean something: a known source, and carry=False only where carried."""
    for section in flow.sections:
        if section.carry not in CARRY_SOURCES:
            raise FlowDefinitionError(
                f"section {section.name!r}: carry must be one of {CARRY_SOURCES[1:]}"
            )
        for item in section.items:
            if isinstance(item, Repeat):
                continue
            if not item.carry and not section.carry:
                raise FlowDefinitionError(
                    f"field {item.name!r}: carry=False in section {section.name!r}, "
                    "which carries nothing"
                )
            if item.dated_by and (
                item.kind is not Kind.PHOTO
                or not flow.has_field(item.dated_by)
                or flow.field(item.dated_by).kind is not Kind.DATE
            ):
                raise FlowDefinitionError(
                    f"field {item.name!r}: dated_by must put a date field on a photo field"
                )


def _check_facts(flow: Flow) -> None:
    """Conditions and reasons may name only the facts the flow declares."""
    conditions: list[tuple[str, Condition]] = []
    for fld, repeat in _fields(flow):
        conditions += [(fld.name, c) for c in _conditions_of(flow, fld, repeat)]
    owners: list[RiskFlag | Alert] = [*flow.risk_flags, *flow.alerts]
    for owner in owners:
        for trigger in owner.triggers:
            conditions.append((owner.name, trigger.when))
            for name in re.findall(r"{(\w+)}", trigger.reason):
                if name not in flow.facts:
                    raise FlowDefinitionError(f"{owner.name!r}: reason names unknown fact {name!r}")
    conditions += [(c.code, c.when) for c in flow.categories if c.when is not None]
    for owner_name, condition in conditions:
        for name in condition.facts():
            if name not in flow.facts:
                raise FlowDefinitionError(f"{owner_name!r} reads an undeclared fact {name!r}")


def _check_checklist(flow: Flow, order: dict[str, int]) -> None:
    """Checks each step names known fields and deadlines and has a way to be done."""
    deadlines = [d.name for d in flow.deadlines]
    if len(deadlines) != len(set(deadlines)):
        raise FlowDefinitionError("a deadline name is defined twice")
    seen: set[str] = set()
    for step in flow.checklist:
        owner = f"checklist step {step.name}"
        if step.name in seen:
            raise FlowDefinitionError(f"{owner!r} is defined twice")
        seen.add(step.name)
        if not (step.done_field or step.done_when or step.done_fact):
            raise FlowDefinitionError(f"{owner!r} has no done_field, done_when or done_fact")
        if step.deadline and step.deadline not in deadlines:
            raise FlowDefinitionError(f"{owner!r} names an unknown deadline {step.deadline!r}")
        names = [step.done_field] if step.done_field else []
        names += list(step.show)
        for condition in (step.done_when, step.relevant):
            if condition is not None:
                names += list(condition.fields())
                for flag in condition.flags():
                    if flag not in {f.name for f in flow.risk_flags}:
                        raise FlowDefinitionError(f"{owner!r}: unknown risk flag {flag!r}")
        for name in names:
            _known(owner, name, order)


def _fields(flow: Flow) -> Iterable[tuple[Field, Repeat | None]]:
    for section in flow.sections:
        for item in section.items:
            if isinstance(item, Repeat):
                for sub in item.fields:
                    yield sub, item
            else:
                yield item, None


def _check_field(fld: Field, seen: dict[str, int], repeat: Repeat | None) -> None:
    if fld.name in seen:
        raise FlowDefinitionError(f"field {fld.name!r} is defined twice")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", fld.name) or fld.name == MORE:
        raise FlowDefinitionError(f"field {fld.name!r}: names are lower_snake_case keys")
    if fld.kind in CHOICE_KINDS and not fld.choices:
        raise FlowDefinitionError(f"field {fld.name!r} is a choice field without choices")
    values = [c.value for c in fld.choices]
    if len(values) != len(set(values)):
        raise FlowDefinitionError(f"field {fld.name!r} has duplicate choice values")
    if fld.kind is Kind.PHOTO and repeat is not None:
        raise FlowDefinitionError(f"field {fld.name!r}: photos cannot sit in a repeat group")
    if fld.pattern:
        try:
            re.compile(fld.pattern)
        except re.error as exc:
            raise FlowDefinitionError(f"field {fld.name!r}: bad pattern ({exc})") from None
    if fld.min_value is not None and fld.max_value is not None and fld.min_value > fld.max_value:
        raise FlowDefinitionError(f"field {fld.name!r}: min_value is above max_value")


def _check_flags(flow: Flow, order: dict[str, int]) -> dict[str, int]:
    """Returns, per flag, the position of the latest field its triggers read."""
    reads: dict[str, int] = {}
    for flag in flow.risk_flags:
        if flag.name in reads:
            raise FlowDefinitionError(f"risk flag {flag.name!r} is defined twice")
        latest = -1
        for trigger in flag.triggers:
            if any(True for _ in trigger.when.flags()):
                raise FlowDefinitionError(f"risk flag {flag.name!r} may not depend on flags")
            for name in trigger.when.fields():
                latest = max(latest, order[_known(f"risk flag {flag.name}", name, order)])
        reads[flag.name] = latest
    return reads


def _conditions_of(flow: Flow, fld: Field, repeat: Repeat | None) -> Iterable[Condition]:
    _, section, _ = flow.locate(fld.name)
    for condition in (section.relevant, repeat.relevant if repeat else None, fld.relevant):
        if condition is not None:
            yield condition


def _check_condition(
    owner: str,
    condition: Condition,
    order: dict[str, int],
    position: int,
    flag_reads: dict[str, int],
) -> None:
    for name in condition.fields():
        if order[_known(owner, name, order)] >= position:
            raise FlowDefinitionError(f"field {owner!r}: relevant refers to a later field {name!r}")
    for flag in condition.flags():
        if flag not in flag_reads:
            raise FlowDefinitionError(f"field {owner!r}: unknown risk flag {flag!r}")
        if flag_reads[flag] >= position:
            raise FlowDefinitionError(
                f"field {owner!r}: risk flag {flag!r} reads a field asked after this one"
            )


def _known(owner: str, name: str, order: dict[str, int]) -> str:
    if name not in order:
        raise FlowDefinitionError(f"{owner!r} refers to an unknown field {name!r}")
    return name
