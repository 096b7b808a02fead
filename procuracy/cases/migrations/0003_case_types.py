"""The catalogue of case types: the business lines that handle each, the word its case number
carries, the time limit of its first stage (cases/deadlines.py) and its base weight in the draw.

Reference data shipped with the code, like the business lines. The words are ours (NOT
VERIFIED against the national system's 案号代字 list, which the domain notes did not find); the
weights are a starting point a province tunes (docs/cases.md).
"""

from django.db import migrations

PROSECUTING = ["ordinary_crime", "major_crime", "duty_crime", "economic_crime"]

TYPES = [
    # code, name, business lines, word, first stage, weight
    (
        "arrest_review",
        "审查逮捕案件",
        PROSECUTING + ["minors"],
        "捕",
        "arrest_review_detained",
        "1.00",
    ),
    (
        "prosecution_review",
        "审查起诉案件",
        PROSECUTING + ["minors"],
        "刑诉",
        "prosecution_review",
        "1.50",
    ),
    ("fast_track", "认罪认罚速裁案件", PROSECUTING + ["minors"], "速诉", "fast_track", "0.60"),
    ("criminal_protest", "刑事抗诉案件", PROSECUTING, "刑抗", "protest", "1.20"),
    ("filing_supervision", "立案监督案件", PROSECUTING, "立监", "", "0.80"),
    (
        "custody_review",
        "羁押必要性审查案件",
        ["criminal_enforcement"],
        "羁审",
        "custody_necessity_reply",
        "0.60",
    ),
    ("enforcement_supervision", "刑事执行监督案件", ["criminal_enforcement"], "执监", "", "0.80"),
    ("civil_supervision", "民事生效裁判监督案件", ["civil"], "民监", "", "1.20"),
    ("administrative_supervision", "行政诉讼监督案件", ["administrative"], "行监", "", "1.20"),
    ("public_interest", "公益诉讼案件", ["public_interest"], "公益", "", "1.50"),
    ("criminal_complaint", "刑事申诉案件", ["complaints"], "刑申", "", "1.00"),
    ("state_compensation", "国家赔偿案件", ["complaints"], "赔", "", "1.00"),
]


def load(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    BusinessLine = apps.get_model("organisation", "BusinessLine")
    lines = {line.code: line for line in BusinessLine.objects.all()}
    for number, (code, name, codes, word, stage, weight) in enumerate(TYPES, start=1):
        case_type, _ = CaseType.objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "word": word,
                "stage": stage,
                "weight": weight,
            },
        )
        case_type.business_lines.set([lines[c] for c in codes])


def unload(apps, schema_editor):
    apps.get_model("cases", "CaseType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_case_intake"),
        ("organisation", "0002_business_lines"),
    ]

    operations = [migrations.RunPython(load, unload)]
