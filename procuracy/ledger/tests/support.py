"""What the ledger's page and API tests share: a signed checkpoint and an entry to read."""

import datetime

from procuracy.core.models import Act
from procuracy.ledger import checkpoints, keys
from procuracy.people import services as people


def sign():
    keys.keygen()
    return checkpoints.make()


def absence_of_bob(world) -> Act:
    people.record_absence(
        actor=world.actor(world.grace),
        staff=world.bob,
        kind="leave",
        starts_on=datetime.date(2024, 5, 6),
        ends_on=datetime.date(2024, 5, 10),
    )
    return Act.objects.get(kind="people.absence_recorded")
