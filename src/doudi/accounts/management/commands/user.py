"""``doudi user``: create an account (role, region subtree, department) and look after it.

    doudi user create --username U --role ROLE --region CODE [--department D] [--display-name 姓名]
                      [--password P]
    doudi user disable USERNAME | doudi user enable USERNAME
    doudi user reset-password USERNAME [--password P]   prints a generated password once
    doudi user unlock USERNAME                           clears failed logins that lock it out

The password comes from ``--password``, else the environment variable DOUDI_PASSWORD, else a prompt.
"""

from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doudi.accounts import actions
from doudi.accounts.actions import AccountError, create_user
from doudi.accounts.models import Department, Role, User

ACTOR = "doudi user"


def _choices(choices) -> str:
    return "、".join(f"{value}（{label}）" for value, label in choices)


class Command(BaseCommand):
    help = "用户管理：create 创建账号、disable 停用、enable 启用、reset-password 重置密码、unlock 解除锁定"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        create = sub.add_parser("create", help="创建账号")
        create.add_argument("--username", required=True, help="登录名")
        create.add_argument("--role", required=True, help="角色：" + "、".join(Role.values))
        create.add_argument("--region", required=True, help="管辖区划代码（12位，或6/9位简写）")
        create.add_argument("--department", default="", help="所属部门（部门用户必填）")
        create.add_argument("--display-name", default="", help="姓名")
        create.add_argument(
            "--password", default=None, help="密码（亦可用环境变量 DOUDI_PASSWORD 或交互输入）"
        )

        for name, text in (
            ("disable", "停用账号（不能登录，API令牌失效）"),
            ("enable", "启用账号"),
            ("unlock", "解除登录失败造成的锁定"),
        ):
            sub.add_parser(name, help=text).add_argument("username")
        reset = sub.add_parser("reset-password", help="重置密码，用户下次登录须修改")
        reset.add_argument("username")
        reset.add_argument("--password", default=None, help="新密码（省略则生成一个，只显示一次）")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            self._create(options)
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        try:
            if action in ("disable", "enable"):
                actions.set_active(actor=ACTOR, user=user, active=action == "enable")
                self.stdout.write(f"已{'启用' if action == 'enable' else '停用'}账号 {user.username}")
            elif action == "unlock":
                n = actions.unlock(actor=ACTOR, user=user)
                self.stdout.write(f"已解除账号 {user.username} 的登录锁定（清除 {n} 次失败记录）")
            else:
                password = actions.reset_password(actor=ACTOR, user=user, password=options["password"])
                if options["password"] is None:
                    self.stdout.write(password)
                    self.stderr.write("以上密码只显示这一次；用户下次登录时须修改密码。")
                else:
                    self.stdout.write(f"已重置账号 {user.username} 的密码；用户下次登录时须修改密码。")
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(m.rstrip("。") for m in exc.messages)) from exc

    def _password(self, options) -> str:
        if options["password"] is not None:
            return options["password"]
        if os.environ.get("DOUDI_PASSWORD"):
            return os.environ["DOUDI_PASSWORD"]
        first = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != first:
            raise CommandError("两次输入的密码不一致")
        return first

    def _create(self, options) -> None:
        role, department = options["role"].strip(), options["department"].strip()
        if role not in Role.values:
            raise CommandError(f"未知角色：{role}。可选：{_choices(Role.choices)}")
        if department and department not in Department.values:
            raise CommandError(f"未知部门：{department}。可选：{_choices(Department.choices)}")
        region = options["region"].strip()
        if not region.isdigit() or len(region) not in (2, 4, 6, 9, 12):
            raise CommandError(f"区划代码格式不正确：{region}（应为12位统计用区划代码）")
        password = self._password(options)
        if not password:
            raise CommandError("密码不能为空")
        try:
            user = create_user(
                actor=ACTOR,
                username=options["username"].strip(),
                password=password,
                role=role,
                region_code=region.ljust(12, "0"),
                department=department,
                display_name=options["display_name"].strip(),
            )
        except AccountError as exc:
            message = str(exc)
            if message == "管辖区划不存在":
                message = f"管辖区划不存在：{region}（请先运行 doudi init 载入区划）"
            raise CommandError(message) from exc
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(m.rstrip("。") for m in exc.messages)) from exc
        where = user.region.full_name if user.region else region
        self.stdout.write(f"已创建账号 {user.username}（{user.get_role_display()}，{where}）")
