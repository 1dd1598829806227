"""Sensitivity levels on a flow's fields (PR-01): each field carries its own level.

``require_levels`` runs when a flow is defined, so a field added without a level fails at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from flows.schema import Field, Flow, FlowDefinitionError, Level, Repeat, Section


def require_levels(flow: Flow) -> Flow:
    """Returns the flow when every field has a level and every sensitive one is P3."""
    for name in flow.field_names():
        fld = flow.field(name)
        if fld.classification is None:
            raise FlowDefinitionError(f"field {name!r} has no classification")
        if fld.sensitive and fld.classification is not Level.P3:
            raise FlowDefinitionError(f"sensitive field {name!r} must be P3")
    return flow


def classify(flow: Flow, *, p1: Iterable[str], p2: Iterable[str], p3: Iterable[str]) -> Flow:
    """Returns a flow written without levels with each field's level set from three lists."""
    table: dict[str, Level] = {}
    for level, names in ((Level.P1, p1), (Level.P2, p2), (Level.P3, p3)):
        for name in names:
            if name in table:
                raise FlowDefinitionError(f"field {name!r} is classified twice")
            table[name] = level
    unknown = sorted(set(table) - set(flow.field_names()))
    if unknown:
        raise FlowDefinitionError(f"classification names unknown field {unknown[0]!r}")
    levelled = replace(flow, sections=tuple(_section(s, table) for s in flow.sections))
    return require_levels(levelled)


def _section(section: Section, table: dict[str, Level]) -> Section:
    return replace(section, items=tuple(_item(item, table) for item in section.items))


def _item(item: Field | Repeat, table: dict[str, Level]) -> Field | Repeat:
    if isinstance(item, Repeat):
        return replace(item, fields=tuple(_field(f, table) for f in item.fields))
    return _field(item, table)


def _field(field: Field, table: dict[str, Level]) -> Field:
    return replace(field, classification=table.get(field.name))


def at_least(field: Field, level: Level) -> bool:
    """Tells whether a field is classified at ``level`` or above (unclassified counts as P3)."""
    order = (Level.P1, Level.P2, Level.P3)
    own = field.classification or Level.P3
    return order.index(own) >= order.index(level)
