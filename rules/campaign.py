"""Campaign deadlines as edition data: ``rules/editions/<edition>/campaigns/*.yaml``.

A campaign is a named set of deadlines (the 2016 filing work: 赣教工〔2016〕27号,
赣工产发〔2016〕7号), each with a bilingual name, a local date, an audience, what to do
and its clause reference. Kept apart from the edition's own files (a sub-folder), so
the strict edition model is untouched.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from rules.edition import EDITIONS_DIR, EditionError
from rules.text import Text

Audience = Literal["drafts", "clerks", "reviewers", "everyone"]
AUDIENCES: tuple[str, ...] = ("drafts", "clerks", "reviewers", "everyone")


class CampaignDeadline(BaseModel):
    """One deadline of a campaign."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    date: dt.date
    audience: Audience
    action: Text | None = None
    reference: str | None = None
    workdays: bool = False


class Campaign(BaseModel):
    """A campaign: its name and its deadlines by code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign: str
    deadlines: dict[str, CampaignDeadline]


def campaign_files(edition: str, root: Path = EDITIONS_DIR) -> list[Path]:
    """The campaign files shipped with an edition."""
    return sorted((root / edition / "campaigns").glob("*.yaml"))


def load_campaign(name: str, root: Path = EDITIONS_DIR) -> Campaign:
    """The campaign ``name`` (an edition's campaign file whose ``campaign`` key is name,
    or the only campaign of the edition called name). EditionError if none."""
    if not name or "/" in name or name.startswith("."):
        raise EditionError(f"campaign name {name!r} is not valid")
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in campaign_files(folder.name, root):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                campaign = Campaign.model_validate(data)
            except (OSError, yaml.YAMLError) as exc:
                raise EditionError(f"{path}: cannot read campaign data: {exc}") from None
            except ValidationError as exc:
                err = exc.errors()[0]
                raise EditionError(f"{path}: key {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
            if campaign.campaign == name:
                return campaign
    raise EditionError(f"unknown campaign {name!r}")
