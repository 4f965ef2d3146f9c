"""The household the casework walk applies for: two elderly members of 进学街道 with the low income and
the assets they declared. Its own household, so the other browser tests' households keep their chains.

Run as a script in the running server's environment (``DOUDI_DATA_DIR``/``DATABASE_URL`` set)."""

from __future__ import annotations

import datetime as dt
import os

HOUSEHOLD_KEY = "B-YJ-CW1"
JINXUE = "222401001000"
HEAD = "韩春子"
SPOUSE = "朴永吉"


def seed() -> None:
    from doudi.core import idnumber
    from doudi.core.scoping import all_regions
    from doudi.registry import actions
    from doudi.registry.models import Household

    actor = "browser-test seed"
    since = dt.date(2024, 1, 1)
    with all_regions():
        if Household.unscoped.filter(household_key=HOUSEHOLD_KEY).exists():
            return
        hh = actions.create_household(
            actor=actor, household_key=HOUSEHOLD_KEY, region_code=JINXUE, area_type="urban", since=since
        )
        for i, (name, born, male, rel) in enumerate(
            [(HEAD, dt.date(1955, 2, 8), False, "head"), (SPOUSE, dt.date(1953, 7, 19), True, "spouse")]
        ):
            actions.add_person_to_household(
                actor=actor,
                household=hh,
                person_key=f"{HOUSEHOLD_KEY}-{i + 1}",
                name=name,
                id_number=idnumber.make("222401", born, 410 + i, male=male),
                relation=rel,
                since=since,
                birth_date=born,
                sex="M" if male else "F",
            )
        actions.record_household_fact(
            actor=actor,
            household=hh,
            kind="income",
            value={"total": 3600, "months": 12},
            valid_from=since,
            source="self_declared",
        )
        actions.record_household_fact(
            actor=actor,
            household=hh,
            kind="assets",
            value={"vehicles": 0, "dwellings": 1, "financial": 2000},
            valid_from=since,
            source="self_declared",
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()
    seed()
    print("casework seed: ok")
