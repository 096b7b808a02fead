"""Two matters of the case lifecycle: suspending a review (中止审查: the suspect has fled or is
gravely ill, and the time limit stops running) and resuming it. The shipped templates leave
them unlisted, so by the default rule (规则 Art 4) the chief decides them, unless a province
lists them or the chief delegates them in writing."""

from django.db import migrations

MATTERS = [
    (41, "办案程序", "suspend_review", "中止审查"),
    (42, "办案程序", "resume_review", "恢复审查"),
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
    dependencies = [("powers", "0003_assignment_matters")]

    operations = [migrations.RunPython(load, unload)]
