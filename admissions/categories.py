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
