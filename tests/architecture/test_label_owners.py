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


def test_area_and_sex_labels_have_one_owner():
    """``registry.models`` owns the area types (``AreaType``) and the sex codes (``SEX_LABELS``); the pure
    policy rules (no Django) keep their own reading of the area types."""
    entry = re.compile(
        r"""(?:["'](?:urban|rural|M|F)["']\s*:|\(\s*["'](?:urban|rural|M|F)["']\s*,|\b(?:M|F)=)\s*["'](?:城市|农村|男|女)["']"""
    )
    pure = SRC / "policy" / "rules"
    copies = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path != OWNER
        and "migrations" not in path.parts
        and pure not in path.parents
        and entry.search(path.read_text(encoding="utf-8"))
    ]
    assert copies == []


def test_the_shell_keeps_no_other_apps_template_tags():
    shell_tags = (SRC / "web" / "templatetags" / "doudi_shell.py").read_text(encoding="utf-8")
    for name in ("category_label", "sex_label", "fact_value", "param_label", "param_value"):
        assert f"def {name}" not in shell_tags, name
