"""Payments (CASEWORK §7): recipient accounts, the monthly entitlement and its roster from draft to
closed, the bank file and its return, arrears, recovery, one-off payments and the fund accounts."""
