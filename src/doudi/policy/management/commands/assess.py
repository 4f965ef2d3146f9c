"""``doudi assess FILE|-``: the assessment contract on the command line (``contracts/assessment.md``).

Prints the result JSON (UTF-8, indented) on standard output and exits 0; invalid input prints
``{"error": "...", "path": "..."}`` on standard error and exits 2. Reads only: parameters come from
the database store (as approved), nothing is written and nothing is audited.
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

from django.core.management.base import BaseCommand

from doudi.policy.rules import AssessmentInputError
from doudi.policy.service import assess_contract

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "分层分类认定与待遇测算：读取 JSON 输入文件（- 为标准输入），输出认定结果 JSON"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输入 JSON 文件路径；- 表示从标准输入读取")

    def _fail(self, message: str, path: str = "") -> NoReturn:
        error = json.dumps({"error": message, "path": path}, ensure_ascii=False)
        self.stderr.write(error, style_func=lambda text: text)
        sys.exit(EXIT_INVALID)

    def _read(self, name: str) -> str:
        if name == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        else:
            try:
                with open(name, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                self._fail(f"无法读取输入文件：{exc.strerror or exc}")
        if isinstance(data, bytes):
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                self._fail("输入文件应为 UTF-8 编码的 JSON")
        return data

    def handle(self, *args, **options):
        text = self._read(options["file"])
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）")
        try:
            result = assess_contract(data)
        except AssessmentInputError as exc:
            body = exc.as_dict()
            self._fail(body["error"], body["path"])
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
