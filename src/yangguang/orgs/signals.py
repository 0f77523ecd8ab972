"""Signals other apps listen to (orgs does not import them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (inside the service's transaction) when what a body is called or where it sits changes:
# a body's name or region, or a region's name. Arguments: `body_ids` — every body concerned
# (for a region, every body in its subtree). Search re-indexes their public documents, whose
# text names the body and its places.
names_changed = Signal()
