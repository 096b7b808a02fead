"""The worker signs checkpoints; web servers never hold the key."""

import datetime

from procuracy.core.jobs import job
from procuracy.ledger import checkpoints


@job("ledger_checkpoint", every=datetime.timedelta(minutes=1))
def ledger_checkpoint() -> None:
    """Once a minute, sign a checkpoint if N entries or T minutes have passed."""
    if checkpoints.due():
        checkpoints.make()
