"""Charity assistance (慈善帮扶, DOMAIN R-P4, seed §14): the needs library, charities, claims, pledges and
deliveries, and the public page of needs."""
