"""Writes for candidates and admissions. Views, imports, demo data and tests call these.

Every rule number comes from settings.ADMISSION_RULES (PROCEDURE.md gives the
defaults and how sure they are). Each function validates everything before it saves
and raises ValidationError with a message in the user's language.

The rooms: `checks` (the eligibility rules, each returning the messages of the rules
broken), `candidates` (create, edit, withdraw, archive), `steps` (the road, one step at a
time), `admissions` (the ceremony, recognition, striking off), `deadlines` (the holiday
calendar and the working-day deadlines it moves). Callers import from here.
"""

from .admissions import admission_build, admission_recognize, admission_record, admission_strike_off
from .candidates import (
    LEAVING_OUTCOMES,
    PERSONAL_FIELDS,
    candidate_archive,
    candidate_build,
    candidate_create,
    candidate_transfer,
    candidate_update,
    candidate_withdraw,
    ended_message,
    merger_handover,
)
from .checks import (
    admitted_problems,
    age_in_months,
    age_on,
    check_age,
    check_certificate,
    check_consent,
    check_education,
    check_introducers,
    check_introductions_fresh,
    check_readmission_end,
    check_readmission_wait,
    check_step_form,
    months_between,
    needs_consent,
    readmission_twin_problems,
    rule,
)
from .deadlines import deadlines_refresh, holidays_seed, make_up_working_days
from .steps import (
    advance_build,
    candidate_advance,
    next_steps,
    step_after,
    step_problems,
    step_take_again,
    steps_to_take_again,
)

__all__ = [
    "LEAVING_OUTCOMES",
    "PERSONAL_FIELDS",
    "admission_build",
    "admission_recognize",
    "admission_record",
    "admission_strike_off",
    "admitted_problems",
    "advance_build",
    "age_in_months",
    "age_on",
    "candidate_advance",
    "candidate_archive",
    "candidate_build",
    "candidate_create",
    "candidate_transfer",
    "candidate_update",
    "candidate_withdraw",
    "check_age",
    "check_certificate",
    "check_consent",
    "check_education",
    "check_introducers",
    "check_introductions_fresh",
    "check_readmission_end",
    "check_readmission_wait",
    "check_step_form",
    "deadlines_refresh",
    "ended_message",
    "holidays_seed",
    "make_up_working_days",
    "merger_handover",
    "months_between",
    "needs_consent",
    "next_steps",
    "step_after",
    "readmission_twin_problems",
    "rule",
    "step_problems",
    "step_take_again",
    "steps_to_take_again",
]
