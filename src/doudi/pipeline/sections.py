"""What the pipeline adds to the pages of the stages it runs (registered in ``PipelineConfig.ready``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from doudi.exchange.models import Batch
from doudi.monitoring.scans.scan_queries import batch_scan


def scan_section(batch: Batch) -> str | None:
    """The batch page's section on the monitoring scan of a linked batch (its totals and routing
    counts, or that the scan has not completed yet); nothing before the batch is linked."""
    if batch.status != Batch.Status.LINKED:
        return None
    return render_to_string("pipeline/batch_scan.html", {"scan": batch_scan(batch.pk)})
