"""Statuses that read like the plan: how an organization stands against one target.

Boards write "đạt", "vượt", "chưa đạt" in their reports (docs/domain.md, "Statuses"). The targets of the
seeds are "phấn đấu" (strive for): a range ("từ 2% đến 5%", "05–10", "15–20 … trở lên")
gives the level expected; falling short of its lower end is the failure, going past its
upper end is *exceeded* (vượt), which counts as met. Only a rule marked as a cap
(`Rule.max_is_cap`: "không quá", "tối đa") fails when its maximum is passed.

`count_status` is the one function deciding a count's status; the engine calls it for
every count, share and allocation row (shares as the counts they imply). Its rules, in
order (`low`/`high` = the minimum/maximum count, `actual` = admitted up to the report's
day, `pipeline` = candidates past the cell's resolution, `finishable` = those of them
whose ceremony the deadlines still put on or before 31/12 and whose next deadline has not
passed (an overdue one is not counted on), see `Period`):

1. `high` is a cap and `actual > high` → NOT_MET (an admission is not undone).
2. `actual ≥ low` → EXCEEDED if `high` is set (not a cap) and `actual > high`, else MET.
   No minimum (or 0): MET at year end or without a cap, ON_TRACK during the year.
3. The year is over (the report's day is 31/12 or later) → NOT_MET.
4. `actual + finishable ≥ low` → ON_TRACK: what can still be admitted by the deadlines covers it.
5. `actual ≥ expected` (the pace: `floor(low × share of the year gone)`, the whole
   admissions due so far) and a cell resolution passed on the report's day could still
   reach its ceremony by 31/12 under the deadlines (`Period.late` is False) → ON_TRACK:
   candidates not yet in the pipeline can still make it. Once late, the pace is rounded
   up (`ceil`): what is not admitted by now can only come from the pipeline.
6. `actual + pipeline ≥ low` → AT_RISK: the pipeline would cover it, but not all of it
   can finish by the deadlines.
7. `actual ≥ expected` (late in the year) → AT_RISK: on pace so far, but nothing left
   that can finish covers the rest.
8. Else → BEHIND: the pace is missed and even the whole pipeline falls short.

The pace: a floor alone made a target of 1 due by nobody all year (1 × 0.91 → 0 on
29/11, "on track"); rounded up from the start, a target of 1 read "behind" in March.
So the floor applies while new candidates can still finish by the deadlines, and the
ceiling once they cannot: a target of 1 with nobody admitted or on the road is on track
in March and behind on 29/11.
A closed year shows no pace and no forecast (`expected` is None).
"""

import math
from dataclasses import dataclass


class Status:
    EXCEEDED = "exceeded"
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NOT_MET = "not_met"

    # Best first: the order of lists, filters and the "worst" of a rule over many organizations.
    ORDER = {EXCEEDED: 0, MET: 1, ON_TRACK: 2, AT_RISK: 3, BEHIND: 4, NOT_MET: 5}
    ALL = tuple(ORDER)
    MEETING = (EXCEEDED, MET)  # counted as met everywhere
    LAGGING = (AT_RISK, BEHIND, NOT_MET)  # what the pages count as "behind or not met"

    @classmethod
    def worst(cls, statuses) -> str:
        statuses = list(statuses)
        return max(statuses, key=cls.ORDER.__getitem__) if statuses else cls.MET

    @classmethod
    def meets(cls, status: str | None) -> bool:
        return status in cls.MEETING


@dataclass(frozen=True, slots=True)
class Period:
    """Where the report's day stands in the year.

    `fraction`: share of the year gone; `over`: the year has ended; `late`: a cell
    resolution passed on the report's day would no longer reach its ceremony by 31/12
    under the deadlines (decision within DECISION_WORKING_DAYS, ceremony within
    CEREMONY_WORKING_DAYS), so only candidates already finishable can still count."""

    fraction: float
    over: bool
    late: bool = False


def expected_by_now(low: int, fraction: float) -> int:
    """The admissions the year's pace asks for by now, rounded up (1e-9: 4 × 0.25 is 1, not 2):
    the pace once new candidates can no longer finish this year (`Period.late`)."""
    return math.ceil(low * fraction - 1e-9)


def due_so_far(low: int, fraction: float) -> int:
    """The whole admissions the pace has asked for so far (rounded down: a target of 1 is
    not due in March): the pace while new candidates can still finish this year."""
    return math.floor(low * fraction + 1e-9)


def count_status(
    actual: int,
    low: int | None,
    high: int | None,
    period: Period,
    *,
    pipeline: int = 0,
    finishable: int | None = None,
    cap: bool = False,
) -> tuple[str, int | None]:
    """The status of a count against [low, high] and the pace expected by now (None when
    the year is over or there is no minimum). See the module's docstring for the rules.
    `finishable` defaults to the whole pipeline."""
    if finishable is None:
        finishable = pipeline
    if cap and high is not None and actual > high:
        return Status.NOT_MET, None
    if low is None or low == 0:
        if high is not None and actual > high:
            return Status.EXCEEDED, None
        return (Status.MET if period.over or not cap or high is None else Status.ON_TRACK), None
    if period.over:
        expected = None
    elif period.late:
        expected = expected_by_now(low, period.fraction)
    else:
        expected = due_so_far(low, period.fraction)
    if actual >= low:
        return (Status.EXCEEDED if high is not None and actual > high else Status.MET), expected
    if period.over:
        return Status.NOT_MET, None
    on_pace = actual >= expected
    if actual + finishable >= low:
        return Status.ON_TRACK, expected
    if on_pace and not period.late:
        return Status.ON_TRACK, expected
    if actual + pipeline >= low or on_pace:
        return Status.AT_RISK, expected
    return Status.BEHIND, expected


def share_status(
    count: str,
    share,
    share_min,
    share_max,
    period: Period,
    *,
    has_base: bool,
    cap: bool = False,
) -> str:
    """A share of the subtree's admissions: at year end the share decides (in range → MET,
    above a plain maximum → EXCEEDED, above a cap or below the minimum → NOT_MET); during
    the year the count it implies decides (`count`, from count_status), except above the
    maximum: a cap is BEHIND (later admissions of other categories may still bring it
    down), a plain maximum passed with the minimum met is EXCEEDED."""
    above = share_max is not None and share is not None and share > share_max
    if period.over and has_base:
        if share_min is not None and share < share_min:
            return Status.NOT_MET
        if above:
            return Status.NOT_MET if cap else Status.EXCEEDED
        return Status.MET
    if above:
        if cap:
            return Status.BEHIND
        if count == Status.MET:
            return Status.EXCEEDED
    return count
