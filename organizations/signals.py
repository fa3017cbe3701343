"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent by services.organization_move after a subtree moved: `paths` = {pk: (old path,
# new path)} for every moved organization, `on_date` = the day the move took effect.
subtree_moved = Signal()

# Sent by services.organization_merge once `source` is merged into `target` (its children
# moved, itself dissolved) on `on_date`, by `user` (None from a command).
organization_merged = Signal()

# Sent by services.organization_dissolve before `organization` is dissolved on `on_date`
# (a merger does not send it: a merged organization's records count with its successor).
# A receiver refuses with a ValidationError when records it keeps would be left where no
# organization stands from that day (admissions dated from it, candidates on the road).
organization_dissolving = Signal()

# Sent by services.organization_update before `organization`'s founding date is set later
# than it was (or set where it had none), to `founded_on`. A receiver refuses with a
# ValidationError when records it keeps are dated before that day (admissions; historical
# results of an earlier year): reports of those days would count them at an organization
# that did not stand yet.
organization_refounding = Signal()
