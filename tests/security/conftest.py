from tests.api.conftest import caller, token_for  # noqa: F401  (the API callers, for these tests too)
