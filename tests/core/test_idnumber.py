"""R-H1: identity numbers."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from doudi.core import idnumber

regions6 = st.sampled_from(["220102", "222401", "220122", "220581", "222426"])
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))


@given(regions6, births, st.integers(0, 499), st.booleans())
def test_every_valid_number_round_trips(region, born, seq, male):
    number = idnumber.make(region, born, seq, male=male)
    check = idnumber.validate(number)
    assert check.valid and check.normalized == number
    assert check.birth_date == born
    assert check.sex == ("M" if male else "F")
    # lower-case x, full-width digits and spaces are normalised, not errors
    fancy = " " + number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x")) + " "
    assert idnumber.validate(fancy).normalized == number


@given(regions6, births, st.integers(0, 499), st.booleans(), st.integers(0, 17), st.data())
def test_every_single_character_typo_is_caught(region, born, seq, male, pos, data):
    number = idnumber.make(region, born, seq, male=male)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    wrong = data.draw(st.sampled_from([c for c in alphabet if c != number[pos]]))
    typo = number[:pos] + wrong + number[pos + 1 :]
    assert not idnumber.validate(typo).valid


@given(
    regions6,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    st.integers(0, 499),
    st.booleans(),
)
def test_legacy_15_digit_upgrades_to_the_18_digit_number(region, born, seq, male):
    number18 = idnumber.make(region, born, seq, male=male)
    legacy = number18[:6] + number18[8:17]
    check = idnumber.validate(legacy)
    assert check.valid and check.upgraded_from_15
    assert check.normalized == number18


def test_check_character_ten_is_x():
    # 11010519491231002X is the standard's own example
    assert idnumber.validate("11010519491231002x").valid
    assert idnumber.validate("110105194912310021").problem == idnumber.IdProblem.BAD_CHECK


def test_problems_are_named_and_not_fixed():
    assert idnumber.validate("").problem == idnumber.IdProblem.EMPTY
    assert idnumber.validate("12345").problem == idnumber.IdProblem.BAD_LENGTH
    assert idnumber.validate("22010219A0010112").problem == idnumber.IdProblem.BAD_LENGTH
    assert idnumber.validate("2201021990013X0012").problem == idnumber.IdProblem.BAD_CHARACTERS
    assert idnumber.validate("220102199002300010").problem == idnumber.IdProblem.BAD_BIRTH_DATE
    bad = idnumber.validate("222401195001011233")
    assert not bad.valid and bad.normalized == "222401195001011233"  # kept as recorded
    assert bad.problem_zh == "身份证号校验位错误"


def test_future_birth_date_is_invalid():
    n = idnumber.make("220102", dt.date(2030, 1, 1), 1, male=True)
    assert idnumber.validate(n, today=dt.date(2026, 1, 1)).problem == idnumber.IdProblem.BAD_BIRTH_DATE


def test_mask_keeps_region_and_last_four():
    assert idnumber.mask("220102199001011234") == "220102********1234"
    assert idnumber.mask("") == ""


def test_repair_candidates_are_valid_and_one_character_away():
    number = idnumber.make("222401", dt.date(1980, 5, 6), 12, male=False)
    broken = number[:10] + ("1" if number[10] != "1" else "2") + number[11:]
    cands = idnumber.repair_candidates(broken)
    assert number in cands
    for c in cands:
        assert idnumber.is_valid(c)
        assert sum(a != b for a, b in zip(c, broken, strict=True)) == 1
    assert idnumber.repair_candidates(number) == []
