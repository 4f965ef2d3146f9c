"""Policy pages, mounted at ``policy/`` by the project ``urls.py``.

URL names: ``policy:parameters``, ``policy:proposals``, ``policy:propose``, ``policy:proposal``,
``policy:review``, ``policy:household_section``, ``policy:decision``.
"""

from django.urls import path

from doudi.policy import decision_views, views

app_name = "policy"

urlpatterns = [
    path("parameters/", views.parameters, name="parameters"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/review/", views.review, name="review"),
    path("households/<int:pk>/assessment/", decision_views.household_section, name="household_section"),
    path("decisions/<int:pk>/", decision_views.decision, name="decision"),
]
