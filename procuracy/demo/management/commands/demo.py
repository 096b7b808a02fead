"""`procuracy demo`: build the demo province (migrating first if needed) and print its logins."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from procuracy.core.models import today
from procuracy.core.spine import one_transaction
from procuracy.demo import cases as demo_cases
from procuracy.demo import province
from procuracy.demo.plan import make_plan

MAX_CASES = 1_000_000


class _Bar(province.Progress):
    def __init__(self, bar: Progress, total: int):
        self.bar = bar
        self.task = bar.add_task(_("准备"), total=total)

    def phase(self, label: str) -> None:
        self.bar.update(self.task, description=label)

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def _cases(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_CASES:
        raise CommandError(_("--cases 须为 0 到 %(max)s 之间的整数。") % {"max": f"{MAX_CASES:,}"})
    return n


class Command(BaseCommand):
    help = _(
        "生成演示省:1 个省院、14 个市州院、3 个分院、94 个基层院,内设机构改革前后的历史,"
        "人员、员额、职务和办案组织,数量与 2020 年报告一致;以及前一年的案件(--cases);"
        "姓名均为虚构。同一 --seed 生成相同的机构、人员和受理的案件"
        "(随机分案以账本为种子,每次不同)。数据库已有数据时拒绝执行,除非给出 --reset。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help=_("随机种子(默认 1)"))
        parser.add_argument(
            "--cases",
            type=_cases,
            default=demo_cases.DEFAULT_CASES,
            help=_(
                "生成前一年的案件数(默认 %(default)s):各院案件管理人员在工作日受理,"
                "随机分案(少数由检察长指定),再按权力清单办理、决定和归档。"
                "演示账号所在的院承担满员的工作量(至多占一半),其余按检察官人数分配。"
            ),
        )
        parser.add_argument(
            "--reset", action="store_true", help=_("先清空整个数据库,再生成演示数据")
        )
        parser.add_argument(
            "--loaded",
            action="store_true",
            help=_("不生成数据:数据库已有数据时以状态 0 退出,否则以 1 退出(供脚本判断)"),
        )
        parser.add_argument(
            "--logins", action="store_true", help=_("不生成数据:列出已生成的演示账号")
        )

    def handle(self, *args, seed, cases, reset, loaded, logins, **options):
        console = Console(file=getattr(self.stdout, "_out", self.stdout), highlight=False)
        if loaded:
            raise SystemExit(0 if not province.needs_migration() and province.has_data() else 1)
        if logins:
            self._logins(console, province.existing_accounts())
            return
        started = time.monotonic()
        if province.needs_migration():
            console.print(_("正在迁移数据库……"))
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
        if province.has_data() and not reset:
            raise CommandError(
                _("数据库中已有数据,演示省没有生成。如要清空数据库后重新生成,请加 --reset。")
            )
        plan = make_plan(seed, province_code=settings.PROCURACY_PROVINCE_CODE)
        with one_transaction():
            if reset:
                province.reset()
            built = self._build(console, plan, cases)
        fingerprint = province.fingerprint()
        self._record(seed=seed, cases=cases, fingerprint=fingerprint)
        elapsed = time.monotonic() - started
        self._report(console, built.accounts, seed, fingerprint, elapsed, built.calls)

    def _build(self, console: Console, plan, cases: int) -> province.Built:
        columns = (
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as bar:
            total = plan.size() + demo_cases.estimated_calls(cases)
            return province.build(plan, today=today(), progress=_Bar(bar, total), cases=cases)

    def _record(self, **facts) -> None:
        """Remember what was built, for the figures and for later builds."""
        facts["built_at"] = timezone.localtime().isoformat(timespec="seconds")
        path = settings.DATA_DIR / "demo.json"
        path.write_text(json.dumps(facts, ensure_ascii=False, indent=2) + "\n")

    def _logins(self, console, accounts) -> None:
        if not accounts:
            console.print(_("数据库中没有演示账号。"))
            return
        title = _("演示账号(密码均为 %(password)s)") % {"password": province.DEMO_PASSWORD}
        table = Table(title=title)
        for header in (_("登录名"), _("角色"), _("姓名"), _("检察院")):
            table.add_column(header)
        for account in accounts:
            table.add_row(account.login, _(account.role), account.name, account.procuratorate)
        console.print(table)

    def _report(self, console, accounts, seed, fingerprint, elapsed, calls) -> None:
        self._logins(console, accounts)
        console.print(
            _("演示省已生成:种子 %(seed)s,指纹 %(fp)s,%(calls)s 次业务操作,用时 %(s).1f 秒。")
            % {"seed": seed, "fp": fingerprint, "calls": f"{calls:,}", "s": elapsed}
        )
