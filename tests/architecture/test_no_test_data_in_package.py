"""Test-data generators stay out of the shipped package (issue "A cleaner house"): they live in
``tests/support`` (shared with the benchmarks), and nothing under ``src/doudi`` imports the tests."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"
IMPORTS_TESTS = re.compile(r"^\s*(from|import)\s+tests\b", re.MULTILINE)


def test_the_package_imports_nothing_from_the_tests():
    offenders = [
        p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if IMPORTS_TESTS.search(p.read_text("utf-8"))
    ]
    assert offenders == []


def test_no_test_data_generator_in_the_package():
    names = {"synthetic.py", "testing.py"}
    assert [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if p.name in names] == []
