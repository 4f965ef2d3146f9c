"""``doudi supporters add|end PERSON_KEY SUPPORTER_KEY``: record a legal supporter (R-H3) of a person.

``add --relation child --from 2025-01-01 [--incapacity prison] [--source home_visit]`` records that the
supporter (a registry person, living anywhere) is a legal supporter of the person from the date;
``end --on DATE`` ends the record. R-T3 then reads the supporters' own status (``policy.supporters``).
Exit 2 on an unknown person or an invalid record.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.registry import actions
from doudi.registry.models import Person, Source, SupporterIncapacity


class Command(BaseCommand):
    help = "法定赡养、抚养、扶养义务人：add 登记、end 终止"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "end"])
        parser.add_argument("person", help="被赡养/抚养/扶养人的人员编号")
        parser.add_argument("supporter", help="义务人的人员编号")
        parser.add_argument("--relation", choices=actions.SUPPORTER_RELATIONS, help="义务人是本人的何种亲属")
        parser.add_argument("--from", dest="valid_from", help="生效日期 YYYY-MM-DD")
        parser.add_argument("--on", dest="on", help="终止日期 YYYY-MM-DD")
        parser.add_argument("--incapacity", choices=SupporterIncapacity.values, default="")
        parser.add_argument("--source", choices=Source.values, default=Source.CASEWORKER)

    def handle(self, *args, **options):
        with all_regions():
            try:
                person = Person.unscoped.get(person_key=options["person"])
                supporter = Person.unscoped.get(person_key=options["supporter"])
            except Person.DoesNotExist:
                raise CommandError("未找到该人员编号", returncode=2) from None
            try:
                if options["action"] == "add":
                    if not options["relation"] or not options["valid_from"]:
                        raise CommandError("登记义务人需要 --relation 和 --from", returncode=2)
                    actions.record_legal_supporter(
                        actor="command",
                        person=person,
                        supporter=supporter,
                        relation=options["relation"],
                        valid_from=date_option(options["valid_from"]),
                        source=options["source"],
                        incapacity=options["incapacity"],
                    )
                    self.stdout.write("已登记法定义务人")
                else:
                    if not options["on"]:
                        raise CommandError("终止记录需要 --on", returncode=2)
                    ended = actions.end_legal_supporter(
                        actor="command", person=person, supporter=supporter, on=date_option(options["on"])
                    )
                    self.stdout.write(f"已终止 {ended} 条记录")
            except actions.RegistryError as exc:
                raise CommandError(str(exc), returncode=2) from None
