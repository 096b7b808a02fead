from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseorgsConfig(AppConfig):
    name = "procuracy.caseorgs"
    label = "caseorgs"
    verbose_name = _("办案组织")
