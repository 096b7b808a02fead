"""What every command that performs an act shares: `--as LOGIN` names the actor, and a refused
act ends with its reason in plain words, exit code 1, and nothing written."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation

# Exit codes every command shares: 0 done (or allowed, or all matches), 1 refused (or not
# allowed, or a mismatch), 2 bad usage.
REFUSED, USAGE = 1, 2


def usage(message: str) -> CommandError:
    """Bad usage — an unknown login, code, file or date: exit code 2."""
    return CommandError(message, returncode=USAGE)


def actor_named(login: str) -> Actor:
    """The actor a `--as LOGIN` names; an unknown login is bad usage."""
    try:
        return Actor.for_login(login)
    except ActDenied as unknown:
        raise usage(unknown.reason) from None


def readable_case(actor: Actor, number: str):
    """The case numbered `number` if the actor may read it (a sealed case's read recorded);
    else refused, alike whether it does not exist or is out of their scope."""
    from procuracy.cases.models import Case
    from procuracy.cases.selectors import case_numbered

    try:
        return case_numbered(actor, number)
    except Case.DoesNotExist:
        raise CommandError(
            _("没有可以查阅的案号为 %(number)s 的案件。") % {"number": number}, returncode=REFUSED
        ) from None


def dumps(data) -> str:
    """--json output: Chinese as it is, dates as ISO strings."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def date_arg(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD:%(text)s") % {"text": text}) from None


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as",
        dest="login",
        required=True,
        help=_("以哪个登录账号的身份执行(system 表示系统设置)"),
    )


class ActCommand(BaseCommand):
    """Subclasses declare their acts as subcommands with `subcommand()` and perform them in
    `act(actor, options)`."""

    def add_arguments(self, parser):
        self._subparsers = parser.add_subparsers(dest="action", required=True)
        self.add_act_arguments()

    def subcommand(self, name: str, help: str):
        parser = self._subparsers.add_parser(name, help=help)
        add_actor_argument(parser)
        return parser

    def add_act_arguments(self):
        pass

    def act(self, actor: Actor, options: dict) -> str:
        raise CommandError("subclass must define act()")

    def handle(self, *args, **options):
        try:
            actor = Actor.for_login(options["login"])
            message = self.act(actor, options)
        except ActDenied as denied:
            raise CommandError(denied.reason) from None
        except RuleViolation as broken:
            field = f"{broken.field}: " if broken.field else ""
            raise CommandError(field + broken.rule) from None
        self.stdout.write(message)
