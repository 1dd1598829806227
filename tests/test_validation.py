"""validate_flow: the real flow passes; each kind of broken definition is named precisely."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from flows.conditions import AtLeast, Flag, When
from flows.missing_from_care import FLOW
from flows.schema import (
    Choice,
    Field,
    Flow,
    FlowDefinitionError,
    Kind,
    Milestone,
    Repeat,
    RiskFlag,
    Section,
    Trigger,
)
from flows.validation import validate_flow
from tests.conftest import MINI_FLOW


def flow_of(*fields: Field | Repeat, **extra: object) -> Flow:
    return Flow(id="t", version="1", title="T", sections=(Section("s", "S", fields),), **extra)  # type: ignore[arg-type]


def yes_no(name: str, **kwargs: object) -> Field:
    return Field(name, Kind.YES_NO, f"{name}?", **kwargs)  # type: ignore[arg-type]


def test_the_real_flow_and_the_test_flow_are_valid() -> None:
    assert validate_flow(FLOW) is FLOW
    assert validate_flow(MINI_FLOW) is MINI_FLOW


@pytest.mark.parametrize(
    ("flow", "message"),
    [
        (flow_of(yes_no("a"), yes_no("a")), "'a' is defined twice"),
        (flow_of(yes_no("Bad Name")), "'Bad Name': names are lower_snake_case"),
        (flow_of(Field("c", Kind.CHOICE, "c?")), "'c' is a choice field without choices"),
        (
            flow_of(Field("c", Kind.CHOICE, "c?", choices=(Choice("x", "X"), Choice("x", "Y")))),
            "'c' has duplicate choice values",
        ),
        (flow_of(yes_no("a", relevant=When("b", "yes")), yes_no("b")), "later field 'b'"),
        (flow_of(yes_no("a", relevant=When("zzz", "yes"))), "unknown field 'zzz'"),
        (flow_of(yes_no("a", relevant=Flag("nope"))), "unknown risk flag 'nope'"),
        (
            flow_of(
                yes_no("a", relevant=Flag("f")),
                yes_no("b"),
                risk_flags=(RiskFlag("f", "F", (Trigger(When("b", "yes"), "b"),)),),
            ),
            "risk flag 'f' reads a field asked after this one",
        ),
        (
            flow_of(
                Field("t", Kind.DATETIME, "t?", not_before="u"), Field("u", Kind.DATETIME, "u?")
            ),
            "not_before must name an earlier datetime field",
        ),
        (flow_of(Field("t", Kind.TEXT, "t?", pattern="(")), "'t': bad pattern"),
        (flow_of(Field("n", Kind.INTEGER, "n?", min_value=5, max_value=1)), "min_value is above"),
        (flow_of(yes_no("a"), readout=("nope",)), "'readout' refers to an unknown field 'nope'"),
        (
            flow_of(yes_no("a"), milestones=(Milestone("m", "M", ("a", "gone")),)),
            "'milestone m' refers to an unknown field 'gone'",
        ),
        (
            flow_of(Repeat("r", "thing", (Field("p", Kind.PHOTO, "p?"),))),
            "photos cannot sit in a repeat group",
        ),
        (
            flow_of(
                yes_no("a"),
                risk_flags=(
                    RiskFlag("f", "F", (Trigger(Flag("g"), "g"),)),
                    RiskFlag("g", "G", (Trigger(AtLeast("a", 1), "a"),)),
                ),
            ),
            "risk flag 'f' may not depend on flags",
        ),
    ],
)
def test_a_broken_definition_is_refused_with_the_field_named(flow: Flow, message: str) -> None:
    with pytest.raises(FlowDefinitionError, match=message.replace("(", r"\(")):
        validate_flow(flow)


def test_a_subject_field_that_does_not_exist_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="unknown field 'who'"):
        validate_flow(replace(MINI_FLOW, subject_field="who"))


def test_importing_flows_pulls_in_neither_telegram_nor_a_database() -> None:
    code = (
        "import sys, flows.engine, flows.missing_from_care, flows.report, flows.validation, "
        "flows.duties, flows.deadline_profiles; "
        "banned = {'telegram', 'sqlmodel', 'sqlalchemy', 'pydantic_settings', 'bot', 'storage'}; "
        "loaded = banned & {m.split('.')[0] for m in sys.modules}; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_storage_does_not_know_telegram_or_the_flow() -> None:
    code = (
        "import sys, storage.repository, storage.models; "
        "loaded = {'telegram', 'flows', 'bot'} & {m.split('.')[0] for m in sys.modules}; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_recovery_flow_is_valid() -> None:
    from flows.recovery import RECOVERY

    assert validate_flow(RECOVERY) is RECOVERY


def test_an_episode_fact_outside_a_carried_section_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="'a': carry=False in section 's'"):
        validate_flow(flow_of(yes_no("a", carry=False)))


def test_an_unknown_carry_source_is_refused() -> None:
    flow = Flow(
        id="t", version="1", title="T", sections=(Section("s", "S", (yes_no("a"),), carry="x"),)
    )
    with pytest.raises(FlowDefinitionError, match="section 's': carry must be one of"):
        validate_flow(flow)


def test_a_photo_date_must_be_a_date_on_a_photo() -> None:
    photo = Field("p", Kind.PHOTO, "Photo?", dated_by="a")
    with pytest.raises(FlowDefinitionError, match="'p': dated_by must put a date field"):
        validate_flow(flow_of(yes_no("a"), photo))


def test_a_condition_on_an_undeclared_fact_is_refused() -> None:
    from flows.conditions import Fact

    with pytest.raises(FlowDefinitionError, match="'b' reads an undeclared fact 'episodes'"):
        validate_flow(flow_of(yes_no("a"), yes_no("b", relevant=Fact("episodes", 3))))
    assert validate_flow(flow_of(yes_no("b", relevant=Fact("episodes", 3)), facts=("episodes",)))


def test_a_reason_naming_an_undeclared_fact_is_refused() -> None:
    flag = RiskFlag("f", "F", (Trigger(When("a", "yes"), "{count} episodes"),))
    with pytest.raises(FlowDefinitionError, match="'f': reason names unknown fact 'count'"):
        validate_flow(flow_of(yes_no("a"), risk_flags=(flag,)))


def test_child_keys_must_name_fields() -> None:
    with pytest.raises(FlowDefinitionError, match="'child_keys' refers to an unknown field 'x'"):
        validate_flow(flow_of(yes_no("a"), child_keys=(("x",),)))
