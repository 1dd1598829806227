"""The vocabulary a flow is written in: sections, fields, choices, conditions and risk flags.

The names follow XLSForm (``name``, ``kind``, ``prompt``, ``hint``, ``required``, ``relevant``,
``choices``, ``repeat``), so a flow reads like a form definition and could move to a data file
without touching the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from flows.conditions import Condition, JsonValue
from flows.extract.hints import Hints
from flows.rules import Alert, Category, ChecklistStep, Deadline, Milestone, RiskFlag, Trigger

__all__ = [
    "Alert",
    "Answer",
    "Category",
    "ChecklistStep",
    "Choice",
    "Deadline",
    "Field",
    "Flow",
    "FlowDefinitionError",
    "Kind",
    "Level",
    "Milestone",
    "Repeat",
    "RiskFlag",
    "Section",
    "Status",
    "Trigger",
]


class FlowDefinitionError(ValueError):
    """Our own flow definition is wrong; the message names the field."""


class Kind(StrEnum):
    """What sort of answer a field takes; it chooses the parser and the keyboard."""

    TEXT = "text"
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    PHONE = "phone"
    EMAIL = "email"
    HEIGHT = "height"
    WEIGHT = "weight"
    PHOTO = "photo"


class Level(StrEnum):
    """How harmful a field's value is if disclosed (PR-01).

    P1 operational (timestamps, yes/no facts that identify no one, agency and process choices);
    P2 identifying (names, birth date, phones, descriptors, places, case numbers, and every free
    text, which can hold anything); P3 special categories (health, exploitation, custody and
    foster status, photos).
    """

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class Status(StrEnum):
    """How a question was settled: a real answer, or an open item for the report."""

    ANSWERED = "answered"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"
    NOT_YET = "not_yet"  # a duty not done yet: its checklist step stays open with its deadline


@dataclass(frozen=True, slots=True)
class Answer:
    """A settled question: its status and, when answered, its JSON-ready value."""

    status: Status
    value: JsonValue = None


@dataclass(frozen=True, slots=True)
class Choice:
    """One tappable option, with its NCIC code where one exists.

    ``synonyms`` are other words a worker types for it ("boy" for male); nothing shorter is
    taken, so a stray "n" never picks an option. In a checklist an ``exclusive`` option ("None
    of these") stands alone, and an ``open_item`` one ("Not sure yet") leaves the question open.
    """

    value: str
    label: str
    code: str = ""
    synonyms: tuple[str, ...] = ()
    exclusive: bool = False
    open_item: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """One question of the form.

    ``min_value``/``max_value`` bound integers, heights (inches), weights (pounds) and, for a
    date field, the age in whole years it implies. ``not_before`` names an earlier datetime field
    this one may not precede. ``pattern`` is a regular expression a text answer must match in
    full (``pattern_message`` says why it failed). ``multiple`` lets a phone field take several
    numbers and a photo field several photos. ``carry=False`` marks an episode fact (last seen,
    clothing, case numbers) in a section whose answers are otherwise carried over from a known
    child's last episode: it is always asked afresh. ``dated_by`` names the date field that
    says when a photo was taken (its age is shown when the photo is carried over).
    ``classification`` is the field's sensitivity level; a flow's fields must all have one.
    ``same_as`` names an earlier field whose answer "same" copies (the guardian's agency is
    often the worker's own). ``describes`` marks a text question that asks for a name or a
    description, so a bare yes or no is refused rather than stored as one. ``not_yet`` names
    the checklist step the question settles (the police report, a notification): it then takes
    "not yet", which leaves that step open with its deadline (questions that need the step done
    say so with ``NotYet`` in their ``relevant``). ``offer_previous``
    offers an episode fact's last answer as one tap (NCMEC keeps a child's case number).
    """

    name: str
    kind: Kind
    prompt: str
    hint: str = ""
    label: str = ""
    required: bool = True
    relevant: Condition | None = None
    choices: tuple[Choice, ...] = ()
    sensitive: bool = False
    min_value: float | None = None
    max_value: float | None = None
    max_length: int = 1000
    multiple: bool = False
    not_before: str | None = None
    pattern: str = ""
    pattern_message: str = ""
    ncic: str = ""
    classification: Level | None = None
    carry: bool = True
    dated_by: str = ""
    same_as: str = ""
    describes: bool = False
    not_yet: str = ""
    offer_previous: bool = False

    @property
    def title(self) -> str:
        """Returns the short label used in reviews and reports."""
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Repeat:
    """A group of fields asked once per item (companions, associates), with 'add another?'."""

    name: str
    noun: str
    fields: tuple[Field, ...]
    relevant: Condition | None = None
    max_items: int = 10

    @property
    def title(self) -> str:
        """Returns the group's label for reviews and reports."""
        return self.noun.capitalize()


CARRY_SOURCES = ("", "episode", "recovery")


@dataclass(frozen=True, slots=True)
class Section:
    """A titled run of questions; the progress line names the current section.

    ``carry`` says where a known child's next episode gets answers to offer (after a "still
    accurate?"): ``"episode"`` copies the stable facts of the last episode, ``"recovery"`` takes
    what the service derives from the last episode's recovery record. Fields marked
    ``carry=False`` and repeat groups are always asked afresh. ``long_term`` marks what police
    need once a case is long-term (the 30-day NCIC update); its open items are listed apart.
    """

    name: str
    title: str
    items: tuple[Field | Repeat, ...]
    relevant: Condition | None = None
    carry: str = ""
    long_term: bool = False


@dataclass(frozen=True, slots=True)
class Flow:
    """A whole form: its sections in order, plus the flags, alerts and read-out built on them.

    ``facts`` names the values the service supplies beside the answers (e.g. the episode
    number of a known child); ``Fact`` conditions may read only these. ``child_keys`` lists the
    groups of answers that identify a child across episodes (case number; name and birth date).
    ``readout_details`` are read-out lines shown only once answered (the cautions in words).
    ``extract_hints`` tell the engine how to read several facts or a face sheet in one message.
    ``subject_fact`` names the fact that names the subject when the flow asks no name (a
    recovery record names its episode's child). ``seen_field`` says when the child went missing.
    ``episode_first`` lists the questions a known child's next episode asks before the one look
    at what is on file, in that order.
    """

    id: str
    version: str
    title: str
    sections: tuple[Section, ...]
    risk_flags: tuple[RiskFlag, ...] = ()
    alerts: tuple[Alert, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    categories: tuple[Category, ...] = ()
    ncic_flags: tuple[Category, ...] = ()
    readout: tuple[str, ...] = ()
    readout_details: tuple[str, ...] = ()
    subject_field: str = ""
    clock_field: str = ""
    deadlines: tuple[Deadline, ...] = ()
    checklist: tuple[ChecklistStep, ...] = ()
    facts: tuple[str, ...] = ()
    child_keys: tuple[tuple[str, ...], ...] = ()
    extract_hints: Hints = field(default_factory=Hints)
    subject_fact: str = ""
    seen_field: str = ""
    episode_first: tuple[str, ...] = ()
    _index: dict[str, tuple[Field, Section, Repeat | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for section in self.sections:
            for item in section.items:
                if isinstance(item, Repeat):
                    for sub in item.fields:
                        self._index.setdefault(sub.name, (sub, section, item))
                else:
                    self._index.setdefault(item.name, (item, section, None))

    def field(self, name: str) -> Field:
        """Returns the field called ``name``."""
        try:
            return self._index[name][0]
        except KeyError:
            raise FlowDefinitionError(f"unknown field {name!r}") from None

    def locate(self, name: str) -> tuple[Field, Section, Repeat | None]:
        """Returns the field called ``name`` with its section and repeat group, if any."""
        try:
            return self._index[name]
        except KeyError:
            raise FlowDefinitionError(f"unknown field {name!r}") from None

    def has_field(self, name: str) -> bool:
        """Tells whether the flow defines a field called ``name``."""
        return name in self._index

    def field_names(self) -> tuple[str, ...]:
        """Returns every field name in flow order (repeat sub-fields included)."""
        return tuple(self._index)
