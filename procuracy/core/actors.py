"""Who performs an act: a signed-in staff member, an administrator, or the system (set-up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from procuracy.core.errors import ActDenied

if TYPE_CHECKING:
    from procuracy.people.models import Staff


@dataclass(frozen=True)
class HeldPosition:
    kind: str
    procuratorate_id: int
    procuratorate_path: str
    department_id: int | None


@dataclass(frozen=True)
class Actor:
    login: str
    staff: Staff | None = field(default=None, compare=False)
    is_system: bool = False
    is_admin: bool = False

    @classmethod
    def system(cls) -> Actor:
        return cls(login="system", is_system=True)

    @classmethod
    def for_user(cls, user) -> Actor:
        staff = getattr(user, "staff", None) if user.is_authenticated else None
        return cls(login=user.get_username(), staff=staff, is_admin=user.is_superuser)

    @classmethod
    def for_login(cls, login: str) -> Actor:
        """The actor a command line names with `--as LOGIN`."""
        from django.contrib.auth import get_user_model

        if login == "system":
            return cls.system()
        user = get_user_model().objects.select_related("staff").filter(username=login).first()
        if user is None or not user.is_active:
            raise ActDenied(_("没有名为 %(login)s 的有效账号。") % {"login": login})
        return cls.for_user(user)

    @property
    def label(self) -> str:
        if self.staff is not None:
            return f"{self.staff.name}({self.login})"
        return self.login

    @cached_property
    def positions(self) -> tuple[HeldPosition, ...]:
        if self.staff is None:
            return ()
        from procuracy.people.models import Position

        rows = (
            Position.objects.current()
            .filter(staff=self.staff)
            .values_list("kind", "procuratorate_id", "procuratorate__path", "department_id")
        )
        return tuple(HeldPosition(*row) for row in rows)


def actor_of(request) -> Actor:
    """The actor behind a web request, computed once per request."""
    actor = getattr(request, "_procuracy_actor", None)
    if actor is None:
        actor = Actor.for_user(request.user)
        request._procuracy_actor = actor
    return actor
