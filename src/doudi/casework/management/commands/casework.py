"""``doudi casework …``: applications from the command line (paper files entered afterwards, operators).

* ``list [--region CODE] [--state STATE]`` — open applications with their nearest deadline;
* ``show ID`` — one application as the API gives it (JSON);
* ``open --as USER --household ID --channel window [--on DATE]`` — a new application;
* ``event ID EVENT --as USER [--on DATE] [--field key=value …]`` — one step (fields as in the contract;
  a list value is comma-separated);
* ``tick [--date DATE]`` — the clock's daily pass: escalate overdue steps, lapse returned files.

Exit 2 for bad input (Chinese message), 3 for an event the state does not allow.
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doudi.casework import clock_actions, dispatch, intake_actions, queries, serialize
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.models import Application, Channel
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions, enter_user_scope, using_scope
from doudi.registry.models import Household


def _user(username: str | None):
    if not username:
        raise CommandError("请用 --as 指定办理人（用户名）", returncode=2)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在或已停用：{username}", returncode=2)
    return user


class Command(BaseCommand):
    help = "救助申请：list 列表 / show 详情 / open 新建 / event 办理环节 / tick 时限每日检查"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "show", "open", "event", "tick"])
        parser.add_argument("args", nargs="*")
        parser.add_argument("--as", dest="as_user")
        parser.add_argument("--region")
        parser.add_argument("--state")
        parser.add_argument("--household", type=int)
        parser.add_argument("--channel", default=Channel.WINDOW)
        parser.add_argument("--on")
        parser.add_argument("--date")
        parser.add_argument("--field", action="append", default=[], help="key=value")

    def handle(self, *args, **o):
        action = o["action"]
        on = date_option(o["on"]) if o.get("on") else None
        try:
            if action == "tick":
                with all_regions():
                    result = clock_actions.daily(date_option(o["date"]) if o.get("date") else None)
                self.stdout.write(f"escalated: {result['escalated']}")
                self.stdout.write(f"lapsed: {result['lapsed']}")
            elif action == "list":
                scope = using_scope(o["region"].ljust(12, "0")) if o.get("region") else all_regions()
                with scope:
                    qs = queries.applications().order_by("received_on", "pk")
                    if o.get("state"):
                        qs = qs.filter(state=o["state"])
                    n = 0
                    for app in qs.iterator(chunk_size=2000):
                        b = serialize.application_brief(app)
                        self.stdout.write(
                            f"{b['id']}\t{b['number']}\t{b['state_label']}\t{b['applicant']}\t{b['received_on']}"
                        )
                        n += 1
                self.stdout.write(f"applications: {n}")
            elif action == "show":
                with all_regions():
                    app = self._app(o["args"])
                    self.stdout.write(json.dumps(serialize.application(app), ensure_ascii=False, indent=2))
            elif action == "open":
                user = _user(o.get("as_user"))
                enter_user_scope(user)
                household = Household.objects.filter(pk=o.get("household") or 0).first()
                if household is None:
                    raise CommandError("家庭不存在或不在该用户辖区内", returncode=2)
                with transaction.atomic():
                    app = intake_actions.open_application(
                        actor=user, household=household, channel=o["channel"], on=on
                    )
                self.stdout.write(f"application: {app.pk} {app.number}")
            elif action == "event":
                user = _user(o.get("as_user"))
                if len(o["args"]) != 2:
                    raise CommandError("用法：doudi casework event 申请ID 办理事项 --as 用户名", returncode=2)
                enter_user_scope(user)
                app = self._app(o["args"][:1])
                fields = {}
                for item in o["field"]:
                    key, _, value = item.partition("=")
                    fields[key.strip()] = value.strip()
                with transaction.atomic():
                    app = dispatch.apply(user, app, o["args"][1], on=on, fields=fields)
                self.stdout.write(f"state: {app.state}")
        except CaseworkConflict as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except (CaseworkError, PermissionError) as exc:
            raise CommandError(str(exc) or "无权办理", returncode=2) from exc

    def _app(self, args) -> Application:
        if not args or not str(args[0]).isdigit():
            raise CommandError("请给出申请ID", returncode=2)
        try:
            return queries.get_application(int(args[0]))
        except Application.DoesNotExist:
            raise CommandError("申请不存在或不在辖区内", returncode=2) from None
