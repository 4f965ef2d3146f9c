from django.apps import AppConfig


def _user_for_token(token: str):
    """The active user holding this (unrevoked) API token, for ``core.api_auth``."""
    from doudi.accounts.actions import user_for_token

    return user_for_token(token)


class AccountsConfig(AppConfig):
    name = "doudi.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from doudi.core import api_auth
        from doudi.core.shell import NavEntry, register_nav

        api_auth.register_token_lookup(_user_for_token)
        register_nav(
            140,
            NavEntry(
                "用户管理", "accounts:users", views=("accounts:users", "accounts:create", "accounts:user")
            ),
        )
