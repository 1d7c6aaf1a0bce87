"""Signals organisations sends, so other apps can act on an organisation without organisations
importing them.

- `organisation_removable_dependents`: asked when the partnership team opens "delete" for an
  organisation. Each receiver returns the objects its app made for the organisation and will
  remove with it (cms: the never-published draft page), so they do not count as reasons the
  organisation cannot be deleted. Arguments: `organisation`.
- `organisation_deleting`: sent inside the deleting transaction, just before the organisation
  is deleted, for receivers to remove those objects. Arguments: `organisation`.
"""

from django.dispatch import Signal

organisation_removable_dependents = Signal()
organisation_deleting = Signal()
