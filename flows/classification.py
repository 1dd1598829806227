"""The data-classification table applied to a flow: every field gets a level (PR-01).

A flow is written without levels and classified by one table naming every field once, so a field
added without a level, or a level given to a field that does not exist, fails at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from flows.schema import Field, Flow, FlowDefinitionError, Level, Repeat, Section


def classify(flow: Flow, *, p1: Iterable[str], p2: Iterable[str], p3: Iterable[str]) -> Flow:
    """Returns the flow with each field's level set from the three lists, which must cover it."""
    table: dict[str, Level] = {}
    for level, names in ((Level.P1, p1), (Level.P2, p2), (Level.P3, p3)):
        for name in names:
            if name in table:
                raise FlowDefinitionError(f"field {name!r} is classified twice")
            table[name] = level
    known = set(flow.field_names())
    unknown = sorted(set(table) - known)
    if unknown:
        raise FlowDefinitionError(f"classification names unknown field {unknown[0]!r}")
    missing = [name for name in flow.field_names() if name not in table]
    if missing:
        raise FlowDefinitionError(f"field {missing[0]!r} has no classification")
    for name in known:
        if flow.field(name).sensitive and table[name] is not Level.P3:
            raise FlowDefinitionError(f"sensitive field {name!r} must be P3")
    return replace(flow, sections=tuple(_section(s, table) for s in flow.sections))


def _section(section: Section, table: dict[str, Level]) -> Section:
    return replace(section, items=tuple(_item(item, table) for item in section.items))


def _item(item: Field | Repeat, table: dict[str, Level]) -> Field | Repeat:
    if isinstance(item, Repeat):
        return replace(item, fields=tuple(_field(f, table) for f in item.fields))
    return _field(item, table)


def _field(field: Field, table: dict[str, Level]) -> Field:
    return replace(field, classification=table[field.name])


def at_least(field: Field, level: Level) -> bool:
    """Tells whether a field is classified at ``level`` or above (unclassified counts as P3)."""
    order = (Level.P1, Level.P2, Level.P3)
    own = field.classification or Level.P3
    return order.index(own) >= order.index(level)
