"""The catalogue of matters (事项) a power list assigns: the decisions and acts on a case that
the 刑事诉讼法, the 规则 and the four functions' rules give to a procuratorate.

Reference data shipped with the code, like a fixture: the acts on cases name these codes.
"""

from django.db import migrations

MATTERS = [
    # group, code, name
    ("审查逮捕", "approve_arrest", "批准逮捕"),
    ("审查逮捕", "refuse_arrest", "不批准逮捕"),
    ("审查逮捕", "decide_arrest", "决定逮捕"),
    ("审查逮捕", "decline_arrest", "不予逮捕"),
    ("强制措施", "bail", "取保候审"),
    ("强制措施", "residential_surveillance", "监视居住"),
    ("强制措施", "change_measure", "变更强制措施"),
    ("强制措施", "custody_necessity", "提出释放或者变更强制措施建议"),
    ("审查起诉", "prosecute", "提起公诉"),
    ("审查起诉", "statutory_non_prosecution", "法定不起诉"),
    ("审查起诉", "discretionary_non_prosecution", "酌定不起诉"),
    ("审查起诉", "evidentiary_non_prosecution", "存疑不起诉"),
    ("审查起诉", "conditional_non_prosecution", "附条件不起诉"),
    ("审查起诉", "return_investigation", "退回补充侦查"),
    ("审查起诉", "extend_review", "延长审查起诉期限"),
    ("审查起诉", "sentencing_recommendation", "提出量刑建议"),
    ("审查起诉", "change_prosecution", "变更、追加起诉"),
    ("审查起诉", "withdraw_prosecution", "撤回起诉"),
    ("审查起诉", "transfer_jurisdiction", "移送或者报请指定管辖"),
    ("诉讼监督", "protest", "提出抗诉"),
    ("诉讼监督", "request_protest", "提请上级院抗诉"),
    ("诉讼监督", "filing_supervision", "要求说明不立案理由、通知立案"),
    ("诉讼监督", "correction_notice", "发出纠正违法通知书"),
    ("诉讼监督", "procuratorial_suggestion", "提出检察建议"),
    ("诉讼监督", "retrial_suggestion", "提出再审检察建议"),
    ("诉讼监督", "reject_supervision", "作出不支持监督申请决定"),
    ("公益诉讼", "public_interest_filing", "公益诉讼立案"),
    ("公益诉讼", "pre_litigation_suggestion", "发出诉前检察建议"),
    ("公益诉讼", "public_interest_suit", "提起公益诉讼"),
    ("公益诉讼", "close_public_interest", "公益诉讼案件终结审查"),
    ("控告申诉", "accept_appeal", "刑事申诉立案复查"),
    ("控告申诉", "state_compensation", "国家赔偿决定"),
    ("控告申诉", "judicial_relief", "司法救助决定"),
    ("未成年人", "seal_record", "封存犯罪记录"),
    ("办案程序", "hold_hearing", "决定召开检察听证"),
    ("办案程序", "recusal", "决定回避"),
    ("办案程序", "seize_property", "查封、扣押、冻结财物"),
    ("办案程序", "sign_document", "签发法律文书"),
]


def load(apps, schema_editor):
    Matter = apps.get_model("powers", "Matter")
    for number, (group, code, name) in enumerate(MATTERS, start=1):
        Matter.objects.update_or_create(
            code=code, defaults={"number": number, "name": name, "group": group}
        )


def unload(apps, schema_editor):
    apps.get_model("powers", "Matter").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("powers", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
