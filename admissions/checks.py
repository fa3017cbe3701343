"""System checks of ADMISSION_RULES (`manage.py check`).

docs/statute-rules.md gives each number a certainty (how sure the restatements of the
statute were of it). That column decides only one thing here:
changing the default of a rule marked "sure" warns; the others may be changed freely
when the texts change. A value the code cannot use is an error.
"""

from django.conf import settings
from django.core import checks

# rule → (the documented default, its certainty: docs/statute-rules.md)
DEFAULTS = {
    "MIN_AGE_YEARS": (18, "sure"),
    "PROBATION_MONTHS": (12, "sure"),
    "CONSENT_AGE_YEARS": (60, "fairly sure"),
    "MIN_EDUCATION": ("lower_secondary", "fairly sure"),
    "INTRODUCER_KNOWN_MONTHS": (12, "fairly sure"),
    "DECISION_WORKING_DAYS": (60, "fairly sure"),
    "CEREMONY_WORKING_DAYS": (30, "fairly sure"),
    "RECOGNITION_WORKING_DAYS": (30, "fairly sure"),
    "CERTIFICATE_VALID_MONTHS": (60, "uncertain"),
    "INTRODUCTION_STALE_MONTHS": (12, "uncertain"),
    "READMISSION_MIN_MONTHS": (36, "uncertain"),  # from restatements of 24-QĐ/TW point 3.5
}


@checks.register()
def admission_rules(app_configs=None, **kwargs):
    from .models import Education, MembershipEnd

    rules = settings.ADMISSION_RULES
    found = []
    for name, (default, certainty) in DEFAULTS.items():
        if certainty == "sure" and rules.get(name) != default:
            found.append(
                checks.Warning(
                    f"ADMISSION_RULES[{name!r}] is {rules.get(name)!r}; the documented default is {default!r}.",
                    hint="Change it only if the statute has changed.",
                    id="admissions.W001",
                )
            )
    if rules.get("MIN_EDUCATION") not in Education.values:
        found.append(
            checks.Error(
                f"ADMISSION_RULES['MIN_EDUCATION'] must be one of {', '.join(Education.values)}.",
                id="admissions.E001",
            )
        )
    unknown = set(rules.get("READMISSION_BARRED", [])) - set(MembershipEnd.values)
    if unknown:
        found.append(
            checks.Error(
                f"ADMISSION_RULES['READMISSION_BARRED'] has unknown values {sorted(unknown)}; "
                f"use {', '.join(MembershipEnd.values)}.",
                id="admissions.E002",
            )
        )
    return found
