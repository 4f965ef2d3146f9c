"""Test-data builders shared by the tests and the benchmarks (not part of the shipped package).

``store_records``: batch records in the store format built row by row from plain values (small fixtures).
``synthetic``: a synthetic province with known truth, vectorised (the linkage benchmark and engine tests).
The benchmarks put the repository root on ``sys.path`` to import them.
"""
