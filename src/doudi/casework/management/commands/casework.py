"""``doudi casework …``: applications from the command line (paper files entered afterwards, operators).

* ``list [--as USER] [--region CODE] [--state STATE]`` — applications, oldest first (tab-separated: id,
  number, state, Chinese state, applicant, received on); last line ``applications: N``;
* ``show ID [--as USER]`` — one application as the API answers it (contracts/casework.md), JSON;
* ``open --as USER (--household ID | --new-household FILE|-) [--channel window] [--on DATE]
  [--field warning_id=N --field consent.given_by=NAME …]`` — a new application (a new household from
  the JSON of the API's ``household`` object); prints ``application: ID NUMBER``;
* ``event ID EVENT --as USER [--on DATE] [--expect-version N] [--field key=value …]`` — one step (events and
  fields as in the contract; a list is comma-separated or JSON, a mapping JSON); prints ``state: S``;
* ``tick [--date DATE]`` — the clock's daily pass: escalate overdue steps, lapse returned files.

With ``--as`` a command sees only that user's region subtree (another region's application is "not
found"); without it ``list``/``show`` read the whole province (operators on the server).
Exit 2 for bad input or a record not found (Chinese message on stderr), 3 for an event the state does
not allow or a stale ``--expect-version``.
"""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doudi.casework import clock_actions, dispatch, intake_actions, queries, serialize
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.models import Application, Channel
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions, prefix_of, user_scope, using_scope
from doudi.registry.models import Household
from doudi.registry.queries import get_household
from doudi.registry.window_actions import HouseholdInputError


def _user(username: str | None):
    if not username:
        raise CommandError("请用 --as 指定办理人（用户名）", returncode=2)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在或已停用：{username}", returncode=2)
    return user


def _scope_of(user):
    scope = user_scope(user)
    if scope is None:
        raise CommandError("该用户未设置管辖区划", returncode=2)
    return using_scope(scope)


def _fields(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--field 应为 key=value：{item}", returncode=2)
        out[key.strip()] = value.strip()
    return out


class Command(BaseCommand):
    help = "救助申请：list 列表 / show 详情 / open 新建 / event 办理环节 / tick 时限每日检查"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "show", "open", "event", "tick"])
        parser.add_argument("args", nargs="*")
        parser.add_argument("--as", dest="as_user", help="办理人或查看人的用户名（按其辖区）")
        parser.add_argument("--region", help="list：只列出该区划及下级")
        parser.add_argument("--state", help="list：只列出该状态")
        parser.add_argument("--household", type=int, help="open：已登记家庭的编号")
        parser.add_argument("--new-household", help="open：新家庭的 JSON 文件（- 为标准输入）")
        parser.add_argument("--channel", default=Channel.WINDOW, help="open：申请渠道（默认 window）")
        parser.add_argument("--on", help="open/event：发生日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--expect-version", dest="app_version", type=int, help="event：读取时的版本号")
        parser.add_argument("--date", help="tick：检查日期")
        parser.add_argument("--field", action="append", default=[], help="key=value（可重复）")

    def handle(self, *args, **o):
        action = o["action"]
        o["args"] = list(args)  # Django hands the positional ``args`` to handle() apart from the options
        on = date_option(o["on"]) if o.get("on") else None
        try:
            if action == "tick":
                with all_regions():
                    result = clock_actions.daily(date_option(o["date"]) if o.get("date") else None)
                self.stdout.write(f"escalated: {result['escalated']}")
                self.stdout.write(f"lapsed: {result['lapsed']}")
            elif action == "list":
                self._list(o)
            elif action == "show":
                scope = _scope_of(_user(o["as_user"])) if o.get("as_user") else all_regions()
                with scope:
                    app = self._app(o["args"])
                    self.stdout.write(json.dumps(serialize.application(app), ensure_ascii=False, indent=2))
            elif action == "open":
                self._open(o, on)
            elif action == "event":
                user = _user(o.get("as_user"))
                if len(o["args"]) != 2:
                    raise CommandError("用法：doudi casework event 申请ID 办理事项 --as 用户名", returncode=2)
                with _scope_of(user):
                    app = self._app(o["args"][:1])
                    with transaction.atomic():
                        app = dispatch.apply(
                            user,
                            app,
                            o["args"][1],
                            on=on,
                            fields=_fields(o["field"]),
                            expected_version=o.get("app_version"),
                        )
                self.stdout.write(f"state: {app.state}")
        except CaseworkConflict as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except HouseholdInputError as exc:
            problems = "；".join(f"{'.'.join(str(p) for p in loc)}：{msg}" for loc, msg in exc.problems)
            raise CommandError(problems or str(exc), returncode=2) from exc
        except (CaseworkError, PermissionError) as exc:
            raise CommandError(str(exc) or "无权办理", returncode=2) from exc

    def _list(self, o) -> None:
        if o.get("as_user"):
            scope = _scope_of(_user(o["as_user"]))
        elif o.get("region"):
            scope = using_scope(o["region"].ljust(12, "0"))
        else:
            scope = all_regions()
        with scope:
            qs = queries.applications().order_by("received_on", "pk")
            if o.get("region"):
                qs = qs.filter(region_code__startswith=prefix_of(o["region"].ljust(12, "0")))
            if o.get("state"):
                qs = qs.filter(state=o["state"])
            n = 0
            for app in qs.iterator(chunk_size=2000):
                b = serialize.application_brief(app)
                self.stdout.write(
                    f"{b['id']}\t{b['number']}\t{b['state']}\t{b['state_label']}\t{b['applicant']}"
                    f"\t{b['received_on']}"
                )
                n += 1
        self.stdout.write(f"applications: {n}")

    def _open(self, o, on) -> None:
        user = _user(o.get("as_user"))
        fields = _fields(o["field"])
        consent = {k.split(".", 1)[1]: v for k, v in fields.items() if k.startswith("consent.")}
        warning = fields.get("warning_id", "")
        if warning and not warning.isdecimal():
            raise CommandError("warning_id 应为整数", returncode=2)
        kw = {
            "channel": o["channel"],
            "on": on,
            "consent": consent or None,
            "warning_id": int(warning) if warning else None,
        }
        with _scope_of(user):
            if o.get("new_household"):
                data = self._json(o["new_household"])
                with transaction.atomic():
                    app = intake_actions.open_for_new_household(actor=user, household=data, **kw)
            else:
                try:
                    household = get_household(o.get("household") or 0)
                except Household.DoesNotExist:  # outside the scope reads as absent
                    raise CommandError(
                        "家庭不存在或不在该用户辖区内（--household 或 --new-household）", returncode=2
                    ) from None
                with transaction.atomic():
                    app = intake_actions.open_application(actor=user, household=household, **kw)
        self.stdout.write(f"application: {app.pk} {app.number}")

    @staticmethod
    def _json(path: str) -> dict:
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8-sig") as fh:
                    text = fh.read()
            return json.loads(text)
        except OSError as exc:
            raise CommandError(f"无法读取文件：{path}", returncode=2) from exc
        except ValueError as exc:
            raise CommandError("新家庭信息不是有效的 JSON", returncode=2) from exc

    def _app(self, args) -> Application:
        if not args or not str(args[0]).isdecimal():
            raise CommandError("请给出申请ID", returncode=2)
        try:
            return queries.get_application(int(args[0]))
        except Application.DoesNotExist:
            raise CommandError("申请不存在或不在辖区内", returncode=2) from None
