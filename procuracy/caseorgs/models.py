"""Case-handling organisations (办案组织): sole prosecutors and prosecutor teams, whose
membership changes over time and stays in history (动态调整)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered, Validity


class OrgKind(models.TextChoices):
    SOLE = "sole", _("独任检察官")
    TEAM = "team", _("检察官办案组")


class TeamKind(models.TextChoices):
    FIXED = "fixed", _("固定办案组")
    TEMPORARY = "temporary", _("临时办案组")


class CaseHandlingOrg(Ledgered, Validity):
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="case_handling_orgs",
        verbose_name=_("检察院"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        related_name="case_handling_orgs",
        verbose_name=_("内设机构"),
    )
    kind = models.CharField(_("类型"), max_length=8, choices=OrgKind.choices)
    team_kind = models.CharField(
        _("办案组类型"), max_length=16, choices=TeamKind.choices, blank=True
    )
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("办案组织")
        verbose_name_plural = _("办案组织")
        ordering = ["procuratorate__path", "department_id", "kind", "name", "id"]
        indexes = [models.Index(fields=["procuratorate", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def type_label(self) -> str:
        if self.kind == OrgKind.SOLE:
            return str(OrgKind.SOLE.label)
        return str(TeamKind(self.team_kind).label)


class Role(models.TextChoices):
    SOLE = "sole", _("独任检察官")
    LEAD = "lead", _("主办检察官")
    PROSECUTOR = "prosecutor", _("组员检察官")
    ASSISTANT = "assistant", _("检察官助理")
    CLERK = "clerk", _("书记员")

    @classmethod
    def prosecutor_roles(cls) -> list[str]:
        return [cls.SOLE, cls.LEAD, cls.PROSECUTOR]


class Membership(Ledgered, Validity):
    org = models.ForeignKey(CaseHandlingOrg, on_delete=models.PROTECT, related_name="memberships")
    staff = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("办案组织成员")
        verbose_name_plural = _("办案组织成员")
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["staff", "role"])]
