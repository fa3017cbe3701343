"""A reorganization decided at once (the 2025 mergers): read it from .xlsx, check every row,
preview it, then apply it row by row through the organization services, all or nothing.

The file lists operations in the order they apply, so the checks simulate the tree as the
file changes it: a code created in row 3 exists for row 5, an organization merged in row 4
is gone for row 6, a committee can be dissolved once the rows above emptied it.

The rooms: `operations` (the file's columns and rows), `simulation` (the checks over the
simulated tree), `preview`, `apply`, and `effects` (what apps above this one, such as
quotas, register to list what a reorganization touches of theirs). Callers import from here.
"""

from .apply import decision_reason, reorganization_apply
from .effects import register_effect
from .operations import COLUMNS, OPERATION_LABELS, Operation
from .preview import Preview, reorganization_preview

__all__ = [
    "COLUMNS",
    "OPERATION_LABELS",
    "Operation",
    "Preview",
    "decision_reason",
    "register_effect",
    "reorganization_apply",
    "reorganization_preview",
]
