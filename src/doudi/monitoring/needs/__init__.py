"""Special-assistance needs (DOMAIN R-P1, seed §6–§9, §12, §17): the entitlements of
``policy.rules.entitlements`` evaluated over the registry and reconciled with the needs already pushed
(``push_actions``), the departments' queue, bulk answers and exports (``views``, ``answer_actions``)
and their own queries (``query_actions``: status by identity number, the list of persons owed).

Layer (pyproject importlinter): below the scans (W-GAP reads the same rules), above the loop (the chain,
notifications and the one-by-one answer live there)."""
