from django.db import migrations, models


class Migration(migrations.Migration):
    """Once the earlier acts are in the ledger, every act has its entry."""

    dependencies = [
        ("core", "0002_act_ledger_entry"),
        ("ledger", "0002_ledger_earlier_acts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="act",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="账本序号"),
        ),
        migrations.AlterField(
            model_name="act",
            name="canonical",
            field=models.BinaryField(),
        ),
    ]
