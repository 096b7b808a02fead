"""`procuracy openapi [--check]`: write the API's OpenAPI schema to procuracy/openapi.json, or
check that the committed file is current, so that an API change is always deliberate."""

import difflib
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

import procuracy

SCHEMA_PATH = Path(procuracy.__file__).resolve().parent / "openapi.json"


def render_schema() -> str:
    """The schema as the committed file holds it: stable key order, Chinese unescaped."""
    from procuracy.api import api

    # Any translated text in the schema must not depend on who runs the command.
    with translation.override(settings.LANGUAGE_CODE):
        schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = _("生成 REST API 的 OpenAPI 描述文件 procuracy/openapi.json;--check 只检查是否最新。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("不写文件;已提交的文件与代码不符时显示差异并以状态 1 退出"),
        )

    def handle(self, *args, check: bool = False, **options):
        current = render_schema()
        if check:
            self._check(current)
            return
        SCHEMA_PATH.write_text(current, encoding="utf-8")
        self.stdout.write(_("已写入 %(path)s") % {"path": SCHEMA_PATH})

    def _check(self, current: str) -> None:
        committed = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if committed == current:
            self.stdout.write(_("%(path)s 与代码一致。") % {"path": SCHEMA_PATH})
            return
        diff = difflib.unified_diff(
            committed.splitlines(keepends=True),
            current.splitlines(keepends=True),
            fromfile="procuracy/openapi.json (committed)",
            tofile="procuracy/openapi.json (from the code)",
        )
        self.stderr.write("".join(diff))
        raise CommandError(
            _("OpenAPI 描述文件已过期:请运行 procuracy openapi 并提交 procuracy/openapi.json。"),
            returncode=1,
        )
