"""The dashboards walk's province officer, and the cells built from whatever the server holds (demo and browser
seeds). Run as a script in the running server's environment."""

from __future__ import annotations

import os

PROVINCE_USER = "b-province"


def seed() -> None:
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.core.scoping import all_regions
    from doudi.dashboards import actions
    from tests.browser.seed_browser import PASSWORD

    with all_regions():
        if not User.objects.filter(username=PROVINCE_USER).exists():
            create_user(actor="browser-test seed", username=PROVINCE_USER, password=PASSWORD,
                        role="province_officer", region_code="220000000000", display_name="省厅测试民政干部",
                        check_password=False)  # fmt: skip
        actions.refresh(actor="browser-test seed")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    seed()
