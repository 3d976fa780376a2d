"""A draft's life (architecture.md "A draft's life"; 6号 三(一), 7号 二): the only
transitions there are, who may make each, and nothing else.

```mermaid
stateDiagram-v2
    [*] --> draft
    draft --> submitted: applicant (or clerk) submits
    draft --> withdrawn: applicant
    submitted --> under_review: reviewer
    submitted --> withdrawn: applicant
    submitted --> returned: reviewer (comment, fields to reopen)
    under_review --> returned: reviewer
    under_review --> rejected: reviewer (reason)
    under_review --> home_visited: reviewer (visit)
    under_review --> withdrawn: applicant
    returned --> submitted: applicant resubmits
    returned --> withdrawn: applicant
    home_visited --> approved: reviewer
    home_visited --> rejected: reviewer
    home_visited --> withdrawn: applicant
    approved --> in_public_notice: reviewer
    approved --> withdrawn: applicant
    in_public_notice --> filed: reviewer
    in_public_notice --> rejected: reviewer (objection upheld)
    in_public_notice --> withdrawn: applicant
    filed --> entered: reviewer
    filed --> cancelled: reviewer (7号 附件2 A)
    filed --> escaped: reviewer (脱困)
    entered --> cancelled: reviewer
    entered --> escaped: reviewer
```

The dialogs offer only what :func:`allowed` lists, and :func:`check` refuses
anything else wherever a transition is applied.
"""
from __future__ import annotations

from typing import Literal, get_args

Status = Literal["draft", "submitted", "under_review", "home_visited", "approved", "in_public_notice",
                 "filed", "entered", "returned", "rejected", "withdrawn", "cancelled", "escaped"]
STATUSES: tuple[str, ...] = get_args(Status)
# The side who may make a transition: the applicant (the worker, or the clerk who
# filled the form for them) or union staff (role 'reviewer').
Side = Literal["applicant", "reviewer"]

TRANSITIONS: dict[str, dict[str, Side]] = {
    "draft": {"submitted": "applicant", "withdrawn": "applicant"},
    "submitted": {"under_review": "reviewer", "returned": "reviewer", "withdrawn": "applicant"},
    "under_review": {"returned": "reviewer", "rejected": "reviewer", "home_visited": "reviewer",
                     "withdrawn": "applicant"},
    "returned": {"submitted": "applicant", "withdrawn": "applicant"},
    "home_visited": {"approved": "reviewer", "rejected": "reviewer", "withdrawn": "applicant"},
    "approved": {"in_public_notice": "reviewer", "withdrawn": "applicant"},
    "in_public_notice": {"filed": "reviewer", "rejected": "reviewer", "withdrawn": "applicant"},
    "filed": {"entered": "reviewer", "cancelled": "reviewer", "escaped": "reviewer"},
    "entered": {"cancelled": "reviewer", "escaped": "reviewer"},
    "rejected": {}, "withdrawn": {}, "cancelled": {}, "escaped": {},
}
# Where the applicant may still change the form's content.
EDITABLE: frozenset[str] = frozenset({"draft", "returned"})


class LifecycleError(ValueError):
    """A transition that is not in the life cycle, or not for this side."""

    def __init__(self, before: str, after: str, side: str):
        super().__init__(f"{before} -> {after} is not allowed for {side}")
        self.before, self.after, self.side = before, after, side


def allowed(before: str, side: Side) -> list[str]:
    """The statuses ``side`` may move a draft in ``before`` to."""
    return [after for after, who in TRANSITIONS.get(before, {}).items() if who == side]


def check(before: str, after: str, side: Side) -> None:
    """Raises :class:`LifecycleError` unless ``before -> after`` is a transition ``side`` may make."""
    if TRANSITIONS.get(before, {}).get(after) != side:
        raise LifecycleError(before, after, side)


def editable(status: str) -> bool:
    """Whether the applicant may still change the form."""
    return status in EDITABLE
