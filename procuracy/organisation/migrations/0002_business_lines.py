"""The catalogue of the ten business lines under the four functions (domain notes §10).

Reference data shipped with the code, like a fixture; a province may edit names in the admin.
"""

from django.db import migrations

LINES = [
    (1, "ordinary_crime", "普通犯罪检察", "criminal", True),
    (2, "major_crime", "重大犯罪检察", "criminal", True),
    (3, "duty_crime", "职务犯罪检察", "criminal", True),
    (4, "economic_crime", "经济犯罪检察", "criminal", True),
    (5, "criminal_enforcement", "刑事执行检察", "criminal", False),
    (6, "civil", "民事检察", "civil", False),
    (7, "administrative", "行政检察", "administrative", False),
    (8, "public_interest", "公益诉讼检察", "public_interest", False),
    (9, "minors", "未成年人检察", "criminal", False),
    (10, "complaints", "控告申诉检察", "criminal", False),
]


def load(apps, schema_editor):
    BusinessLine = apps.get_model("organisation", "BusinessLine")
    for number, code, name, function, prosecutes in LINES:
        BusinessLine.objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "function": function,
                "prosecutes": prosecutes,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("organisation", "BusinessLine").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
