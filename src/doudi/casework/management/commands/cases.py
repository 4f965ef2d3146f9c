"""``doudi cases …``: the case's life from the command line (CASEWORK §5).

* ``list [--as USER] [--region CODE] [--state STATE] [--tier TIER]`` — cases (tab-separated: id, tier,
  state, Chinese state, monthly total, next review, region); last line ``cases: N``;
* ``show ID [--as USER]`` — one case with its decisions, reviews, grace periods, suspensions, moves (JSON,
  as ``GET /api/v1/cases/{id}``);
* ``change ID --as USER [--on DATE] --field trigger=family --field change_type=income --field detail=…`` —
  a change review (R-W32); prints ``review: ID due DATE``;
* ``review REVIEW_ID EVENT --as USER [--on DATE] [--field key=value …]`` — prepare / visit / decide /
  object / end_notice (``decide`` needs ``--field outcome=…``); prints ``review: ID STATE OUTCOME``;
* ``decide REVIEW_ID OUTCOME --as USER [--on DATE] [--field reasons=… …]`` — short for ``review … decide``;
* ``event ID EVENT --as USER [--on DATE] [--field …]`` — suspend / clear_suspension / presence_check / move;
* ``death PERSON_ID --died-on DATE --source cremation|hukou|data|family|grid [--as USER] [--ref REF]``;
* ``move ID --to CODE --as USER`` / ``move --confirm MOVE_ID --as USER`` — R-W37;
* ``tick [--date DATE]`` — the daily pass of the case's life (reviews due, grace ends, suspensions,
  notices); prints one ``key: N`` line each.

Exit 2 for bad input or a record not found (Chinese message on stderr), 3 for an event the state does
not allow.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doudi.casework import (
    case_dispatch,
    case_serialize,
    lifecycle_actions,
    lifecycle_queries,
    move_actions,
    review_schedule_actions,
)
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.management.commands.casework import _fields, _scope_of, _user
from doudi.casework.models import Case
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions


class Command(BaseCommand):
    help = "救助档案：list / show / change / review / decide / event / death / move / tick"

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["list", "show", "change", "review", "decide", "event", "death", "move", "tick"]
        )
        parser.add_argument("args", nargs="*")
        parser.add_argument("--as", dest="as_user", help="办理人或查看人的用户名（按其辖区）")
        parser.add_argument("--region", help="list：只列出该区划及下级")
        parser.add_argument("--state", help="list：只列出该状态")
        parser.add_argument("--tier", help="list：只列出该类别")
        parser.add_argument("--on", help="办理日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--date", help="tick：检查日期")
        parser.add_argument("--died-on", dest="died_on", help="death：死亡日期")
        parser.add_argument("--source", help="death：信息来源")
        parser.add_argument("--ref", default="", help="death：来源编号")
        parser.add_argument("--to", dest="to_region", help="move：迁入地乡镇（街道）区划代码")
        parser.add_argument("--confirm", type=int, help="move：迁入地确认的迁移ID")
        parser.add_argument("--field", action="append", default=[], help="key=value（可重复）")

    def handle(self, *args, **o):
        action, rest = o["action"], list(args)
        on = date_option(o["on"]) if o.get("on") else None
        try:
            if action == "tick":
                with all_regions():
                    result = review_schedule_actions.daily(date_option(o["date"]) if o.get("date") else None)
                for key, value in result.items():
                    self.stdout.write(f"{key}: {value}")
            elif action == "list":
                self._list(o)
            elif action == "show":
                with self._scope(o):
                    case = lifecycle_queries.get_case(self._id(rest, "档案ID"))
                    detail = case_serialize.case_detail(lifecycle_queries.case_history(case))
                self.stdout.write(json.dumps(detail, ensure_ascii=False, indent=2))
            elif action == "death":
                self._death(o, rest, on)
            else:
                self._write(action, o, rest, on)
        except CaseworkConflict as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except CaseworkError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except PermissionError as exc:
            raise CommandError(str(exc) or "无权办理", returncode=2) from exc
        except Case.DoesNotExist:
            raise CommandError("救助档案不存在或不在辖区内", returncode=2) from None
        except Exception as exc:
            if exc.__class__.__name__ == "DoesNotExist":
                raise CommandError("记录不存在或不在辖区内", returncode=2) from None
            raise

    def _scope(self, o):
        return _scope_of(_user(o["as_user"])) if o.get("as_user") else all_regions()

    @staticmethod
    def _id(rest: list[str], what: str) -> int:
        if not rest or not rest[0].isdigit():
            raise CommandError(f"请给出{what}", returncode=2)
        return int(rest[0])

    def _list(self, o):
        with self._scope(o):
            qs = lifecycle_queries.cases(
                region=o.get("region") or "", state=o.get("state") or "", tier=o.get("tier") or ""
            )
            n = 0
            for c in qs.iterator(chunk_size=2000):
                n += 1
                self.stdout.write(
                    "\t".join(
                        [
                            str(c.pk),
                            c.tier,
                            c.state,
                            c.get_state_display(),
                            str(c.monthly_total),
                            c.next_review.isoformat() if c.next_review else "",
                            c.region_code,
                        ]
                    )
                )
        self.stdout.write(f"cases: {n}")

    def _death(self, o, rest, on):
        if not o.get("died_on") or not o.get("source"):
            raise CommandError("请给出 --died-on 和 --source", returncode=2)
        user = _user(o["as_user"]) if o.get("as_user") else "system"
        with self._scope(o), transaction.atomic():
            person = lifecycle_queries.get_person(self._id(rest, "人员ID"))
            record = lifecycle_actions.record_death(
                actor=user,
                person=person,
                died_on=date_option(o["died_on"]),
                source=o["source"],
                source_ref=o["ref"],
                on=on,
            )
        self.stdout.write(f"death: {record.pk} {record.died_on.isoformat()}")

    def _write(self, action, o, rest, on):
        user = _user(o["as_user"])
        fields = _fields(o["field"])
        with _scope_of(user), transaction.atomic():
            if action == "move" and o.get("confirm"):
                move = lifecycle_queries.get_move(o["confirm"])
                new = move_actions.confirm_move(actor=user, move=move, on=on)
                self.stdout.write(f"case: {new.pk} {new.region_code}")
                return
            if action in ("review", "decide"):
                review = lifecycle_queries.get_review(self._id(rest, "复核ID"))
                if action == "decide":
                    if len(rest) < 2:
                        raise CommandError("用法：doudi cases decide 复核ID 结论 --as 用户名", returncode=2)
                    event, fields = "decide", {**fields, "outcome": rest[1]}
                else:
                    if len(rest) < 2:
                        raise CommandError("用法：doudi cases review 复核ID 事项 --as 用户名", returncode=2)
                    event = rest[1]
                case_dispatch.apply_review(user, review, event, on=on, fields=fields)
                review = lifecycle_queries.get_review(review.pk)
                self.stdout.write(f"review: {review.pk} {review.state} {review.outcome}".rstrip())
                return
            case = lifecycle_queries.get_case(self._id(rest, "档案ID"))
            if action == "change":
                review = case_dispatch.apply_case(user, case, "change", on=on, fields=fields)
                self.stdout.write(f"review: {review.pk} due {review.due.isoformat()}")
            elif action == "move":
                result = case_dispatch.apply_case(
                    user, case, "move", on=on, fields={"to_region": o.get("to_region")}
                )
                self.stdout.write(f"move: {result.pk} {result.state}")
            else:
                if len(rest) < 2:
                    raise CommandError("用法：doudi cases event 档案ID 事项 --as 用户名", returncode=2)
                case_dispatch.apply_case(user, case, rest[1], on=on, fields=fields)
                case = lifecycle_queries.get_case(case.pk)
                self.stdout.write(f"state: {case.state}")
