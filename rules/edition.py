"""Editions: the policy's numbers and lists as data files, loaded and validated.

An edition is one YAML file ``rules/editions/<name>.yaml`` or a folder
``rules/editions/<name>/`` whose YAML files are merged (each file contributes
top-level keys; a key defined twice is an error). Loading a malformed edition
raises :class:`EditionError` naming the file and the key.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rules.form_edition import FormSpec
from rules.text import Text

EDITIONS_DIR = Path(__file__).parent / "editions"
DEFAULT_EDITION = "jiangxi-2016"
CATEGORIES = ("dibao", "marginal", "illness", "disaster")


class EditionError(Exception):
    """A malformed or unknown edition; the message names the file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(_Strict):
    description: str
    reference: str
    value: Decimal | int


class Locality(_Strict):
    name: Text
    dibao_line: Decimal = Field(gt=0)


class Localities(_Strict):
    reference: str
    description: str
    items: dict[str, Locality]


class AgeCutoffs(_Strict):
    reference: str
    description: str
    male: dt.date
    female_cadre: dt.date
    female: dt.date


class Disease(Text):
    key: str


class Diseases(_Strict):
    reference: str
    description: str
    items: list[Disease]
    paralysis: Disease


class Exclusions(_Strict):
    reference: str
    description: str
    homes_owned_at_least: int = Field(ge=1)
    flags: list[str]


FactKind = Literal["bool", "count", "size", "choice", "date", "money", "locality", "id"]


class FactSpec(_Strict):
    """How a fact is asked: its kind, clause, choices, and when it applies."""

    kind: FactKind
    clause: str
    choices: list[str] | None = None
    # asked and kept only while these facts have these values (cadre only for women)
    applies_when: dict[str, Any] | None = None
    # other facts this one settles (an ID number gives sex and birth date) ...
    answers: list[str] | None = None
    # ... and the questions at which typing it is accepted (an ID at the birth-date question)
    accepted_at: list[str] | None = None
    # the question has a hint of its own (a monthly line's example), not its kind's
    own_hint: bool = False


class QuestionGroup(_Strict):
    """Facts most people answer the same way, asked as one question: "are all of these
    true?" (``all_are: true``), "does any of these apply?" (``all_are: false``), or
    "which one of these applies?" (``which: true``, with ``all_are: false``: the one
    picked is true, the others false). "Not all" / "some" / "several" asks the facts
    one by one. Every fact is still stored on its own."""

    clause: str
    facts: list[str] = Field(min_length=2)
    all_are: bool
    which: bool = False

    @model_validator(mode="after")
    def _which_picks_the_true_one(self) -> QuestionGroup:
        if self.which and self.all_are:
            raise ValueError("a 'which' group picks the one true fact: all_are must be false")
        return self

    @property
    def answers(self) -> tuple[str, ...]:
        """The group's answers, as its buttons offer them."""
        if self.which:
            return (*self.facts, "none", "several")
        return ("all", "not_all") if self.all_are else ("none", "some")

    @property
    def one_by_one(self) -> str:
        """The answer that asks the facts one by one."""
        return self.answers[-1]

    def setting(self, answer: str) -> dict[str, bool] | None:
        """The facts one answer sets, or None for the answer that asks them one by one.
        Raises ValueError for an answer the group does not offer."""
        if answer not in self.answers:
            raise ValueError(f"not an answer of this group: {answer}")
        if answer == self.one_by_one:
            return None
        return {f: (f == answer) if self.which else self.all_are for f in self.facts}

    def answer_of(self, facts: Any) -> str:
        """The answer a person whose facts are ``facts`` (a mapping) gives. "All" or
        "none" only when every fact is stated so; for "which", a fact not stated is
        one that does not apply (the person would not pick it)."""
        values = [facts.get(f) for f in self.facts]
        if self.which:
            true = [f for f, v in zip(self.facts, values) if v is True]
            return "none" if not true else true[0] if len(true) == 1 else "several"
        if all(v is self.all_are for v in values):
            return self.answers[0]
        return self.one_by_one


class Spellings(_Strict):
    """Accepted typed spellings of one choice: per language and language-independent."""

    zh_CN: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        """Every spelling, whatever the person's language (people mix them)."""
        return [*self.any, *self.zh_CN, *self.en]


class MaterialItem(Text):
    if_: Text | None = Field(default=None, alias="if")
    note: Text | None = None  # the project's reading about the item, shown apart from its text
    # the form's attachment boxes (附件1 附件) that hold it: alternatives, each all ticked; none: no box for it
    attachments: list[list[str]] = []


class ListEntry(_Strict):
    item: str
    when: list[dict[str, Any]] | None = None


class MaterialList(_Strict):
    reference: str
    items: list[ListEntry]


class CopiesRule(Text):
    reference: str


class Materials(_Strict):
    reference: str
    items: dict[str, MaterialItem]
    copies_rule: CopiesRule
    lists: dict[str, MaterialList]


class Edition(_Strict):
    """One policy edition: every number, list and clause reference the rules use."""

    edition: str
    title: Text
    source: str
    documents: Text
    published: dt.date
    parameters: dict[str, Parameter]
    localities: Localities
    age_cutoffs: AgeCutoffs
    major_diseases: Diseases
    exclusions: Exclusions
    clauses: dict[str, str]
    category_order: list[Literal["dibao", "marginal", "illness", "disaster"]]
    form_category: dict[str, str]
    category_names: dict[str, Text]
    worker_types: dict[str, Text]
    facts: dict[str, FactSpec]
    # typed answers accepted for choice questions, by fact (or "locality") and value
    spellings: dict[str, dict[str, Spellings]] = Field(default_factory=dict)
    question_groups: dict[str, QuestionGroup] = Field(default_factory=dict)
    # what a clerk is told is still needed, by topic (a few lines, not twenty facts)
    topics: dict[str, list[str]] = Field(default_factory=dict)
    materials: Materials
    form: FormSpec

    @field_validator("clauses")
    @classmethod
    def _all_rules_have_clauses(cls, v: dict[str, str]) -> dict[str, str]:
        needed = {"scope", "exclusions", "one_household", "age", "migrant", *CATEGORIES}
        missing = sorted(needed - set(v))
        if missing:
            raise ValueError(f"missing clauses for {', '.join(missing)}")
        return v

    @model_validator(mode="after")
    def _groups_and_topics_name_facts(self) -> Edition:
        named = [f for g in self.question_groups.values() for f in g.facts]
        named += [f for facts in self.topics.values() for f in facts]
        unknown = sorted({f for f in named if f not in self.facts})
        if unknown:
            raise ValueError(f"question_groups/topics name unknown facts: {', '.join(unknown)}")
        untopical = [f for f in self.facts if self.topics and not any(f in t for t in self.topics.values())]
        if untopical:
            raise ValueError(f"topics leave out facts: {', '.join(untopical)}")
        return self

    def topic_of(self, fact: str) -> str | None:
        """The topic a fact belongs to."""
        return next((t for t, facts in self.topics.items() if fact in facts), None)

    def param(self, name: str) -> Decimal | int:
        """The value of parameter ``name``."""
        return self.parameters[name].value

    @cached_property
    def multiplier(self) -> Decimal:
        """The marginal multiplier (1.5 in 2016)."""
        return Decimal(self.param("marginal_multiplier"))

    def dibao_line(self, locality: str) -> Decimal | None:
        """The monthly 低保 line of a listed locality, or None."""
        item = self.localities.items.get(locality)
        return item.dibao_line if item else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EditionError(f"{path}: cannot read edition data: {exc}") from None
    if not isinstance(data, dict):
        raise EditionError(f"{path}: an edition file must be a mapping of keys")
    return data


def _sources(name: str, root: Path) -> list[Path]:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise EditionError(f"edition name {name!r} is not valid")
    folder, single = root / name, root / f"{name}.yaml"
    if folder.is_dir():
        return sorted(folder.glob("*.yaml"))
    if single.is_file():
        return [single]
    known = ", ".join(available_editions(root)) or "none"
    raise EditionError(f"unknown edition {name!r} (available: {known})")


def load_edition_from(name: str, root: Path) -> Edition:
    """Load and validate edition ``name`` found under ``root``."""
    merged: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for path in _sources(name, root):
        for key, value in _read_yaml(path).items():
            if key in merged:
                raise EditionError(f"{path}: key {key!r} is already defined in {origin[key]}")
            merged[key], origin[key] = value, path
    try:
        return Edition.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        where = origin.get(loc[0], root / name) if loc else root / name
        key = ".".join(loc) or "(top level)"
        raise EditionError(f"{where}: key {key}: {err['msg']}") from None


@lru_cache(maxsize=16)
def load_edition(name: str = DEFAULT_EDITION) -> Edition:
    """Load a bundled edition by name (cached)."""
    return load_edition_from(name, EDITIONS_DIR)


def available_editions(root: Path = EDITIONS_DIR) -> list[str]:
    """Names of the editions under ``root``."""
    names = {p.stem for p in root.glob("*.yaml")} | {p.name for p in root.iterdir() if p.is_dir()}
    return sorted(n for n in names if not n.startswith(("_", ".")))
