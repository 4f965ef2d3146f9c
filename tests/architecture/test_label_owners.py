"""Chinese label tables have one owner: the app whose model defines the choices. The short names
of the assistance categories live beside ``registry.models.Category``; no other module keeps its
own copy (they import ``CATEGORY_NAMES`` / ``CATEGORY_SHORT``). Forms live in their own app."""

from __future__ import annotations

import re
from pathlib import Path

import doudi
from doudi.registry.models import CATEGORY_NAMES, CATEGORY_SHORT, Category

SRC = Path(doudi.__file__).parent
OWNER = SRC / "registry" / "models.py"


def test_every_category_has_its_short_names():
    assert set(CATEGORY_NAMES) == set(CATEGORY_SHORT) == set(Category.values)


def test_no_other_module_copies_the_category_short_names():
    copies = []
    for code in Category.values:
        for label in {CATEGORY_NAMES[code], CATEGORY_SHORT[code]}:
            entry = re.compile(rf"""(?:"{code}"|Category\.{code})\s*:\s*"{re.escape(label)}\"""")
            for path in SRC.rglob("*.py"):
                if path == OWNER or "migrations" in path.parts:
                    continue
                if entry.search(path.read_text(encoding="utf-8")):
                    copies.append(f"{path.relative_to(SRC)}: {code} → {label}")
    assert copies == []


def test_the_shell_keeps_no_other_apps_forms():
    web_forms = (SRC / "web" / "forms.py").read_text(encoding="utf-8")
    for name in ("HouseholdSearchForm", "AddRegionForm", "def region_choices"):
        assert name not in web_forms, name
