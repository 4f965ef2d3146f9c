"""Persons and households (R-H2): a household has members, one role."""

from openfisca_core.entities import build_entity

Person = build_entity(key="person", plural="persons", label="人员", is_person=True)

Household = build_entity(
    key="household",
    plural="households",
    label="家庭",
    roles=[{"key": "member", "plural": "members", "label": "家庭成员"}],
)

entities = [Household, Person]
