"""What ``exchange`` offers to the apps that come after it, without knowing them (issue 10: a lower floor
offers a hook; it never reaches up):

* ``upload_loaded`` — a signal sent when a batch sent through a page or the API has been loaded
  (keyword ``batch_id``). Whoever owns the monthly order subscribes and takes the batch further in
  the background; the command line sends nothing (the operator runs the next step).
* the batch page's extra sections — ``register_batch_section(name, render)``: ``render(batch)``
  returns the HTML of a section for the batch page, or None.
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

from doudi.exchange.models import Batch

upload_loaded = Signal()

BatchSection = Callable[[Batch], str | None]
_sections: dict[str, BatchSection] = {}


def announce_upload(batch: Batch) -> None:
    """Send ``upload_loaded`` for an uploaded batch that is now loaded (nothing for any other status)."""
    if batch.status == Batch.Status.LOADED:
        upload_loaded.send(sender=Batch, batch_id=batch.pk)


def register_batch_section(name: str, render: BatchSection) -> None:
    """Add (or replace) a section of the batch page; called at startup by the app that provides it."""
    _sections[name] = render


def batch_sections(batch: Batch) -> list[str]:
    """The HTML of the registered sections that have something to show for ``batch``, in order."""
    return [html for render in _sections.values() if (html := render(batch))]
