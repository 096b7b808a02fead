"""Two matters of assignment: designating a case to an organisation instead of the draw
(指定分案) and reassigning it (改派). The shipped templates leave them unlisted, so by the
default rule (规则 Art 4) the chief decides them — as the Xuzhou rule's Art 4 has the chief
lead allocation — unless a province lists them or the chief delegates them in writing."""

from django.db import migrations

MATTERS = [
    (39, "办案程序", "designate_assignment", "指定分案"),
    (40, "办案程序", "reassign", "改派"),
]


def load(apps, schema_editor):
    Matter = apps.get_model("powers", "Matter")
    for number, group, code, name in MATTERS:
        Matter.objects.update_or_create(
            code=code, defaults={"number": number, "name": name, "group": group}
        )


def unload(apps, schema_editor):
    Matter = apps.get_model("powers", "Matter")
    Matter.objects.filter(code__in=[code for _n, _g, code, _name in MATTERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("powers", "0002_matters")]

    operations = [migrations.RunPython(load, unload)]
