"""Acts recorded before the ledger existed are appended to it, oldest first, so that there is
no act without its entry. The rows those acts wrote carry no pointer: `ledger verify` names
them, and a demo database made before the ledger is best rebuilt (`procuracy demo --reset`)."""

from django.db import migrations

from procuracy.ledger.canonical import dumps, instant
from procuracy.ledger.merkle import leaf_hash

BATCH = 2000


def ledger_earlier_acts(apps, schema_editor):
    from procuracy.ledger.tree import push
    from procuracy.ledger.models import node_key

    Act = apps.get_model("core", "Act")
    Node = apps.get_model("ledger", "Node")
    Head = apps.get_model("ledger", "Head")
    codes = dict(apps.get_model("organisation", "Procuratorate").objects.values_list("id", "code"))
    size, peaks, nodes, acts = 0, [], [], []
    for act in Act.objects.filter(seq__isnull=True).order_by("id").iterator():
        act.seq = size
        entry = {
            "seq": size,
            "kind": act.kind,
            "occurred_at": instant(act.occurred_at),
            "recorded_at": instant(act.recorded_at),
            "actor": {"staff": act.actor_id, "label": act.actor_label},
            "procuratorate": None
            if act.procuratorate_id is None
            else {"id": act.procuratorate_id, "code": codes[act.procuratorate_id]},
            "subject": {"type": act.subject_type, "id": act.subject_id},
            "visibility": act.visibility,
            "body": act.body,
            "rows": [],
        }
        act.canonical = dumps(entry)
        for level, index, h in push(size, peaks, leaf_hash(act.canonical)):
            nodes.append(Node(key=node_key(level, index), hash=h))
        acts.append(act)
        size += 1
        if len(acts) >= BATCH:
            Act.objects.bulk_update(acts, ["seq", "canonical"], batch_size=500)
            Node.objects.bulk_create(nodes, batch_size=BATCH)
            acts, nodes = [], []
    Act.objects.bulk_update(acts, ["seq", "canonical"], batch_size=500)
    Node.objects.bulk_create(nodes, batch_size=BATCH)
    Head.objects.update_or_create(pk=1, defaults={"size": size, "peaks": b"".join(peaks)})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_act_ledger_entry"),
        ("ledger", "0001_initial"),
        ("organisation", "0003_ledger_pointers"),
    ]

    operations = [migrations.RunPython(ledger_earlier_acts, migrations.RunPython.noop)]
