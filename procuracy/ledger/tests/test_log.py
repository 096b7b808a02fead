def test_the_head_in_a_transaction_is_the_root_a_verifier_computes(world):
    """What a draw seeds from: the log's root right after an act, in the same transaction,
    equals the root recomputed from the stored tree — with and without one_transaction()."""
    import datetime

    from procuracy.core.actors import Actor
    from procuracy.core.spine import ledger_head, one_transaction
    from procuracy.ledger import store
    from procuracy.people import services as people

    def absence(day):
        people.record_absence(
            actor=Actor.system(), staff=world.bob, kind="leave", starts_on=day, ends_on=day
        )

    absence(datetime.date(2025, 1, 6))
    size, root = ledger_head()
    assert size == store.size() and root == store.root(size)
    with one_transaction():
        absence(datetime.date(2025, 1, 8))
        inside = ledger_head()
    assert inside[0] == size + 1 and inside[1] == store.root(size + 1)
