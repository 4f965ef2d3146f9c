"""Enumerations of the model's input variables."""

from openfisca_core.indexed_enums import Enum


class AreaType(Enum):
    urban = "城市"
    rural = "农村"


class ParamRegion(Enum):
    """Whose parameter values apply (DOMAIN §4 inheritance, resolved for the benchmark's townships)."""

    province = "吉林省（省级默认）"
    yanji = "延吉市"
