"""Candidate categories that quotas count, shared by quotas, admissions and reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PUPIL = "pupil", _("High-school pupil")
    STUDENT = "student", _("College/university student")
    NON_STATE_WORKER = "non_state_worker", _("Non-state-enterprise worker")
    ENTERPRISE_OWNER = "enterprise_owner", _("Enterprise owner/manager")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    FARMER = "farmer", _("Farmer")
    MILITIA = "militia", _("Militia")
    DEMOBILIZED = "demobilized", _("Demobilized soldier")
    OTHER = "other", _("Other")


# The abbreviations boards write in allocation tables: "03 (01 HS)".
CATEGORY_ABBREVIATIONS = {
    "HS": Category.PUPIL,
    "SV": Category.STUDENT,
    "CN": Category.NON_STATE_WORKER,
    "DN": Category.ENTERPRISE_OWNER,
    "CC": Category.CIVIL_SERVANT,
    "ND": Category.FARMER,
    "DQ": Category.MILITIA,
    "XN": Category.DEMOBILIZED,
}
ABBREVIATION_OF = {category: abbr for abbr, category in CATEGORY_ABBREVIATIONS.items()}


# The occupations of the statistical form of new members (Biểu 2), in the form's order, and
# where each candidate category falls. Militia are part of the people's armed forces; a
# demobilized soldier has left them and is counted with "others" (their occupation now is
# not recorded).
OCCUPATIONS = (
    ("workers", _("Workers")),
    ("pupils", _("Pupils")),
    ("university_students", _("University and college students")),
    ("farmers", _("Farmers")),
    ("civil_servants", _("Civil servants and public employees")),
    ("armed_forces", _("Armed forces")),
    ("entrepreneurs", _("Enterprise owners")),
    ("others", _("Others")),
)
OCCUPATION_OF = {
    Category.NON_STATE_WORKER: "workers",
    Category.PUPIL: "pupils",
    Category.STUDENT: "university_students",
    Category.FARMER: "farmers",
    Category.CIVIL_SERVANT: "civil_servants",
    Category.MILITIA: "armed_forces",
    Category.ENTERPRISE_OWNER: "entrepreneurs",
    Category.DEMOBILIZED: "others",
    Category.OTHER: "others",
}


def occupation(category: str) -> str:
    """The Biểu 2 occupation of a candidate category ("others" for any category not listed)."""
    return OCCUPATION_OF.get(category, "others")
