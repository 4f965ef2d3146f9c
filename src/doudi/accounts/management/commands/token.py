"""``doudi token``: per-user API tokens (R-S5). Only a digest is stored; the token is printed once.

doudi token create USERNAME [--name NAME]   prints the new token (once) on standard output;
                                            the name defaults to "API令牌 <date>"
doudi token list USERNAME                   prefix, name, dates and status; never the token
doudi token revoke USERNAME (--name NAME | --prefix PREFIX | --all)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doudi.accounts.actions import create_token, revoke_token
from doudi.accounts.models import ApiToken, User

ACTOR = "doudi token"


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户不存在：{username}")
    return user


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "API令牌：create 创建（只显示一次）、list 列出、revoke 吊销"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        create = sub.add_parser("create", help="为用户创建API令牌，令牌只显示这一次")
        create.add_argument("username")
        create.add_argument(
            "--name", default=None, help="令牌用途，如“部门数据对接”（默认“API令牌 当天日期”）"
        )
        lst = sub.add_parser("list", help="列出用户的API令牌")
        lst.add_argument("username")
        revoke = sub.add_parser("revoke", help="吊销用户的API令牌")
        revoke.add_argument("username")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("--name", help="按用途名称吊销")
        which.add_argument("--prefix", help="按令牌前缀吊销（见 list）")
        which.add_argument("--all", action="store_true", help="吊销该用户的全部有效令牌")

    def handle(self, *args, **options):
        user = _user(options["username"])
        getattr(self, f"_{options['action']}")(user, options)

    def _create(self, user: User, options) -> None:
        name = (options["name"] if options["name"] is not None else f"API令牌 {timezone.localdate()}").strip()
        if not name:
            raise CommandError("令牌用途不能为空")
        if not user.is_active:
            raise CommandError(f"账号已停用：{user.username}")
        plain = create_token(actor=ACTOR, user=user, name=name)
        self.stdout.write(plain)
        self.stderr.write("以上令牌只显示这一次，请妥善保存；系统只保存其摘要，无法找回。")

    def _list(self, user: User, options) -> None:
        tokens = ApiToken.objects.filter(user=user).order_by("created_at", "id")
        if not tokens:
            self.stdout.write(f"{user.username} 没有API令牌")
            return
        self.stdout.write("前缀\t用途\t创建时间\t最近使用\t状态")
        for t in tokens:
            status = f"已吊销 {_when(t.revoked_at)}" if t.revoked_at else "有效"
            self.stdout.write(
                f"{t.prefix}…\t{t.name}\t{_when(t.created_at)}\t{_when(t.last_used_at)}\t{status}"
            )

    def _revoke(self, user: User, options) -> None:
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related("user")
        if options["name"]:
            tokens = list(active.filter(name=options["name"]))
            if len(tokens) > 1:
                raise CommandError(f"有 {len(tokens)} 个同名令牌，请用 --prefix 指定（见 doudi token list）")
        elif options["prefix"]:
            tokens = list(active.filter(prefix=options["prefix"].rstrip("…")[:8]))
        else:
            tokens = list(active)
        if not tokens:
            raise CommandError("没有找到符合条件的有效令牌")
        for t in tokens:
            revoke_token(actor=ACTOR, token=t)
        self.stdout.write(f"已吊销 {len(tokens)} 个令牌")
