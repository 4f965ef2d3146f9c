"""Batch reassessment and simulation pages, mounted at ``policy/runs/`` by the project ``urls.py``.

URL names: ``policy_runs:index``, ``policy_runs:reassess``, ``policy_runs:simulate``,
``policy_runs:run``, ``policy_runs:progress``, ``policy_runs:export``.
"""

from django.urls import path

from doudi.policy import views_runs

app_name = "policy_runs"

urlpatterns = [
    path("", views_runs.index, name="index"),
    path("reassess/", views_runs.reassess, name="reassess"),
    path("simulate/", views_runs.simulate, name="simulate"),
    path("<int:pk>/", views_runs.run_page, name="run"),
    path("<int:pk>/progress/", views_runs.progress, name="progress"),
    path("<int:pk>/export/", views_runs.export, name="export"),
]
