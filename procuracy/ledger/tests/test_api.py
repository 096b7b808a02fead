"""The ledger's API: entries (as visible as their records), checkpoints, and RFC 9162
inclusion and consistency proofs that verify against the roots they name."""

from procuracy.core.models import Act
from procuracy.ledger import checkpoints, merkle, store
from procuracy.ledger.tests.support import absence_of_bob, sign

API = "/api/v1/ledger"


def seqs(answer) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [row["seq"] for row in answer.json()["items"]]


def test_the_entries_come_newest_first_in_pages(world, sign_in):
    answer = sign_in("province_chief").get(f"{API}/entries", {"limit": 5})
    page = answer.json()
    assert page["count"] == Act.objects.count()
    assert seqs(answer) == list(range(page["count"] - 1, page["count"] - 6, -1))
    row = page["items"][0]
    assert set(row) >= {"kind", "kind_label", "occurred_at", "actor", "procuratorate", "body"}


def test_an_entry_reads_as_the_page_shows_it(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    row = sign_in("alice").get(f"{API}/entries", {"kind": "org.team_formed"}).json()["items"][0]
    assert row["seq"] == act.seq
    assert row["kind_label"] == "组建检察官办案组"
    assert row["procuratorate"]["short_name"] == "城关区院"
    assert (row["visibility"], row["visibility_label"]) == ("procuratorate", "本院及上级院")
    assert row["subject"] == {"type": "caseorgs.casehandlingorg", "id": world.team.pk}
    assert row["actor"] is None and row["actor_label"] == "system"


def test_the_entries_leave_out_what_the_reader_may_not_read(world, sign_in):
    act = absence_of_bob(world)
    query = {"kind": "people.absence_recorded"}
    assert seqs(sign_in("grace").get(f"{API}/entries", query)) == [act.seq]
    assert seqs(sign_in("alice").get(f"{API}/entries", query)) == []
    answer = sign_in("grace").get(f"{API}/entries", query).json()["items"][0]
    assert answer["actor"] == {"id": world.grace.pk, "name": "葛青"}


def test_the_entries_filter_by_actor_subject_and_day(world, sign_in):
    act = absence_of_bob(world)
    client = sign_in("chief")
    assert seqs(client.get(f"{API}/entries", {"actor": world.grace.pk})) == [act.seq]
    assert seqs(client.get(f"{API}/entries", {"actor_name": "gq"})) == [act.seq]
    about_bob = {"subject_type": "people.staff", "subject_id": world.bob.pk}
    assert act.seq in seqs(client.get(f"{API}/entries", about_bob))
    old = {"date_from": "2000-01-01", "date_to": "2000-12-31"}
    assert seqs(client.get(f"{API}/entries", old)) == []
    answer = client.get(f"{API}/entries", {"date_from": "May 6"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"date_from": ["请填写有效的日期,格式为 YYYY-MM-DD。"]}


def test_an_entry_carries_its_canonical_bytes_and_leaf_hash(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    answer = sign_in("alice").get(f"{API}/entries/{act.seq}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["canonical"].encode() == bytes(act.canonical)
    assert body["leaf_hash"] == merkle.leaf_hash(body["canonical"].encode()).hex()


def test_an_entry_one_may_not_read_is_not_found(world, sign_in):
    act = absence_of_bob(world)
    sign()
    client = sign_in("alice")
    for url in (f"{API}/entries/{act.seq}", f"{API}/entries/{act.seq}/proof"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer.json() == {"detail": "未找到该记录。"}
    assert client.get(f"{API}/entries/999999").status_code == 404
    assert sign_in("bob").get(f"{API}/entries/{act.seq}").status_code == 200


def test_an_inclusion_proof_verifies_against_the_latest_checkpoint(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    checkpoint = sign()
    answer = sign_in("alice").get(f"{API}/entries/{act.seq}/proof")
    assert answer.status_code == 200
    proof = answer.json()
    assert proof["index"] == act.seq
    assert (proof["tree_size"], proof["root"]) == (checkpoint.size, checkpoint.root)
    merkle.verify_inclusion(
        proof["index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(checkpoint.root),
    )


def test_an_inclusion_proof_for_any_size_that_holds_the_entry(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    client = sign_in("alice")
    for size in (act.seq + 1, store.size()):
        proof = client.get(f"{API}/entries/{act.seq}/proof", {"size": size}).json()
        assert proof["root"] == store.root(size).hex()
        merkle.verify_inclusion(
            act.seq,
            size,
            merkle.leaf_hash(bytes(act.canonical)),
            [bytes.fromhex(h) for h in proof["proof"]],
            store.root(size),
        )


def test_a_size_that_cannot_hold_the_entry_is_refused_in_chinese(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    client = sign_in("alice")
    held = store.size()
    for size in (act.seq, held + 1, 0, -3):
        answer = client.get(f"{API}/entries/{act.seq}/proof", {"size": size})
        assert answer.status_code == 422, size
        message = f"树大小须大于条目序号 {act.seq},且不超过账本的条目数 {held}。"
        assert answer.json()["errors"] == {"size": [message]}
    answer = client.get(f"{API}/entries/{act.seq}/proof")  # no checkpoint to default to
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"size": ["账本尚无检查点,请用 size 指明树大小。"]}


def test_the_checkpoints_list_newest_first_and_the_latest_alone(world, sign_in):
    client = sign_in("frank")
    assert client.get(f"{API}/checkpoints/latest").status_code == 404
    assert client.get(f"{API}/checkpoints").json() == {"items": [], "count": 0}
    first = sign()
    absence_of_bob(world)
    second = checkpoints.make()
    page = client.get(f"{API}/checkpoints").json()
    assert [row["size"] for row in page["items"]] == [second.size, first.size]
    latest = client.get(f"{API}/checkpoints/latest").json()
    assert latest["size"] == second.size and latest["root"] == second.root
    assert latest["note"] == second.note and latest["made_at"]


def test_a_consistency_proof_verifies_between_two_checkpoints(world, sign_in):
    first = sign()
    absence_of_bob(world)
    second = checkpoints.make()
    query = {"size1": first.size, "size2": second.size}
    answer = sign_in("olga").get(f"{API}/consistency", query)
    assert answer.status_code == 200
    proof = answer.json()
    assert (proof["root1"], proof["root2"]) == (first.root, second.root)
    merkle.verify_consistency(
        first.size,
        second.size,
        bytes.fromhex(first.root),
        bytes.fromhex(second.root),
        [bytes.fromhex(h) for h in proof["proof"]],
    )


def test_consistency_sizes_out_of_range_are_refused(world, sign_in):
    client = sign_in("alice")
    held = store.size()
    for size1, size2, field in ((0, 3, "size1"), (5, 3, "size1"), (3, held + 1, "size2")):
        answer = client.get(f"{API}/consistency", {"size1": size1, "size2": size2})
        assert answer.status_code == 422 and list(answer.json()["errors"]) == [field]
    assert client.get(f"{API}/consistency", {"size1": 3}).status_code == 422
