"""Casework pages: thin adapters over ``queries`` (reads) and the ``*_actions`` modules (writes)."""

from __future__ import annotations

from django.shortcuts import render

from doudi.casework import queries
from doudi.core.access import scoped_view


@scoped_view("casework.read")
def worklist(request):
    page = request.GET.get("page") or 1
    data = queries.work_list(
        request.user, group=request.GET.get("group", ""), overdue=bool(request.GET.get("overdue")), page=page
    )
    return render(request, "casework/worklist.html", {"work": data})
