"""The home panel: the township's and county's needs waiting on them, the charity's claims with their lock
expiry."""

from __future__ import annotations


def panel(request) -> dict | None:
    from doudi.charity import queries
    from doudi.charity.base import charity_of

    user = request.user
    if user.can("charity.claim"):
        charity = charity_of(user)
        claims = queries.my_claims(charity)[:5] if charity else []
        return {"charity_home": {"charity": charity, "counts": queries.charity_counts(charity),
                                 "claims": list(claims)}}  # fmt: skip
    if user.can("charity.read") and user.role != "auditor":
        return {"charity_staff_home": queries.staff_counts()}
    return None
