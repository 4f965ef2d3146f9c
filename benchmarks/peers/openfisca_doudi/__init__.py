"""An OpenFisca country-package-like model of Doudi's core assessment rules, for benchmarking only.

Entities ``Person`` / ``Household`` (role ``member``); variables per rule of the domain reference (DOMAIN)
§5–§6 (R-A1, R-T1–R-T5, R-D1, R-M1, R-R1, R-D4/R-D5, R-B1–R-B5) in ``variables/``; the Jilin baseline
values in force on 2025-08-01 as YAML in ``parameters/``. Not a dependency of Doudi: run it with

    uv run --with openfisca-core python benchmarks/peers/run_openfisca.py

Like Doudi, every comparison is exact on integers (fen, 1/10,000 ratio units), cross-multiplied so
the per-capita income is never rounded before a decision, and each benefit line is rounded half-up.
"""

from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from openfisca_doudi import entities

HERE = Path(__file__).parent


class DoudiTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self) -> None:
        super().__init__(entities.entities)
        self.add_variables_from_directory(str(HERE / "variables"))
        self.load_parameters(str(HERE / "parameters"))


CountryTaxBenefitSystem = DoudiTaxBenefitSystem
