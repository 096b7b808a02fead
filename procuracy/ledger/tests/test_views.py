"""The ledger's pages: the list and its filters, an entry with its checked inclusion proof,
the proof bundle, and the quiet "账本 #N" links on record pages and in their timelines."""

import re

from django.urls import reverse

from conftest import PASSWORD
from procuracy.core.models import Act
from procuracy.ledger import keys
from procuracy.ledger.bundle import Bundle
from procuracy.ledger.merkle import leaf_hash
from procuracy.ledger.tests.support import absence_of_bob, sign

LIST = reverse("ledger:list")


def entry(seq: int) -> str:
    return reverse("ledger:entry", args=[seq])


def bundle(seq: int) -> str:
    return reverse("ledger:bundle", args=[seq])


def listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a class="seq" href="/ledger/(\d+)/">', html)]


def test_the_list_shows_the_newest_entries_first_with_the_log_size(world, sign_in):
    html = sign_in("province_chief").get(LIST).content.decode()
    seqs = listed(html)
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == Act.objects.count() - 1
    assert len(seqs) == 50 and "第 1 页,共 2 页" in html  # the province chief reads all 59
    assert f"账本共 {Act.objects.count()} 条" in html
    assert "尚无检查点" in html
    assert "组建检察官办案组" in html and "城关区院" in html and "本院及上级院" in html


def test_the_list_names_the_latest_checkpoint(world, sign_in):
    checkpoint = sign()
    html = sign_in("alice").get(LIST).content.decode()
    assert f"最新检查点:树大小 {checkpoint.size}" in html


def test_the_list_leaves_out_what_the_reader_may_not_read(world, sign_in):
    act = absence_of_bob(world)
    query = {"kind": "people.absence_recorded"}
    assert listed(sign_in("grace").get(LIST, query).content.decode()) == [act.seq]
    assert listed(sign_in("bob").get(LIST, query).content.decode()) == [act.seq]
    assert listed(sign_in("alice").get(LIST, query).content.decode()) == []


def test_the_list_filters_by_actor_procuratorate_subject_and_day(world, sign_in):
    act = absence_of_bob(world)
    client = sign_in("city_chief")

    def found(**query) -> list[int]:
        return listed(client.get(LIST, query).content.decode())

    assert found(actor="葛青") == [act.seq]  # grace's only act (the rest were the system's)
    assert found(actor=str(world.grace.pk)) == [act.seq]
    assert act.seq in found(subject_type="people.staff", subject_id=world.bob.pk)
    assert act.seq not in found(subject_type="people.staff", subject_id=world.alice.pk)
    assert found(procuratorate=world.other_base.pk, kind="people.absence_recorded") == []
    assert found(date_from="2000-01-01", date_to="2000-01-31") == []
    assert act.seq in found(date_from=act.occurred_at.date().isoformat())
    # A filter that does not parse is left out, not refused.
    assert client.get(LIST, {"date_from": "someday"}).status_code == 200


def test_a_live_filter_gets_only_the_results(world, sign_in):
    answer = sign_in("chief").get(LIST, {"kind": "org.team_formed"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert "<html" not in html and len(listed(html)) == 1
    assert answer.headers["Vary"].count("HX-Request") == 1


def test_an_entry_shows_its_fields_and_canonical_bytes(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    html = sign_in("alice").get(entry(act.seq)).content.decode()
    assert f"账本 #{act.seq}" in html and "组建检察官办案组" in html
    assert "org.team_formed" in html and "本院及上级院" in html
    assert reverse("caseorgs:detail", args=[world.team.pk]) in html  # the record's page
    assert "&quot;kind&quot;: &quot;org.team_formed&quot;" in html  # the JSON, laid out
    assert leaf_hash(bytes(act.canonical)).hex() in html
    assert "尚无覆盖本条目的检查点" in html and bundle(act.seq) not in html


def test_an_entry_about_a_part_of_a_person_links_to_that_persons_page(world, sign_in):
    act = absence_of_bob(world)
    html = sign_in("grace").get(entry(act.seq)).content.decode()
    assert reverse("people:detail", args=[world.bob.pk]) in html


def test_the_administrator_reads_the_record_of_acts_but_not_personal_entries(
    world, client, django_user_model
):
    act = absence_of_bob(world)
    team_formed = Act.objects.get(kind="org.team_formed")
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.login(username="root", password=PASSWORD)
    assert client.get(entry(team_formed.seq)).status_code == 200
    assert client.get(entry(act.seq)).status_code == 404
    assert act.seq not in listed(client.get(LIST).content.decode())


def test_an_open_entry_links_only_to_pages_the_reader_may_open(world, sign_in):
    act = Act.objects.get(kind="org.procuratorate_created", subject_id=world.other_base.pk)
    page = reverse("organisation:procuratorate", args=[world.other_base.pk])
    html = sign_in("alice").get(entry(act.seq)).content.decode()
    assert "七里河区人民检察院" in html and page not in html
    assert page in sign_in("olga").get(entry(act.seq)).content.decode()


def test_an_entry_one_may_not_read_is_not_found(world, sign_in):
    act = absence_of_bob(world)
    client = sign_in("alice")
    assert client.get(entry(act.seq)).status_code == 404
    assert client.get(entry(10**9)).status_code == 404
    sign()
    assert client.get(bundle(act.seq)).status_code == 404


def test_an_entry_covered_by_a_checkpoint_shows_its_verified_proof(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    checkpoint = sign()
    html = sign_in("alice").get(entry(act.seq)).content.decode()
    assert "已验证" in html and "未通过验证" not in html
    assert checkpoint.root in html
    assert checkpoint.note.splitlines()[-1].split(" ")[-1] in html  # the signature line
    assert len(re.findall(r'<li><code class="hash">[0-9a-f]{64}</code></li>', html)) > 0
    assert bundle(act.seq) in html


def test_an_entry_whose_bytes_were_edited_fails_its_proof(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    sign()
    edited = bytes(act.canonical).replace(b"fixed", b"fixer")
    Act.objects.filter(pk=act.pk).update(canonical=edited)
    html = sign_in("alice").get(entry(act.seq)).content.decode()
    assert "未通过验证" in html and "已验证" not in html


def test_a_checkpoint_signed_by_an_unknown_key_is_not_called_verified(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    sign()
    keys.verifier_file().write_text("")
    html = sign_in("alice").get(entry(act.seq)).content.decode()
    assert "检查点的签名未能用本系统的验证公钥验证" in html and "已验证" not in html


def test_the_proof_bundle_downloads_and_verifies_offline(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    client = sign_in("alice")
    assert client.get(bundle(act.seq)).status_code == 404  # no checkpoint yet
    checkpoint = sign()
    answer = client.get(bundle(act.seq))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    filename = f"procuracy-ledger-{act.seq}.tlog-proof"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    parsed = Bundle.parse(answer.content.decode())
    assert parsed.entry == bytes(act.canonical) and parsed.index == act.seq
    assert parsed.verify(keys.verifiers()).size == checkpoint.size


def test_record_pages_carry_a_quiet_link_to_their_entry(world, sign_in):
    client = sign_in("chief")
    for url, record in (
        (reverse("people:detail", args=[world.alice.pk]), world.alice),
        (reverse("caseorgs:detail", args=[world.team.pk]), world.team),
        (reverse("organisation:procuratorate", args=[world.base.pk]), world.base),
        (reverse("organisation:procuratorate", args=[world.base.pk]), world.criminal),
    ):
        record.refresh_from_db()
        html = client.get(url).content.decode()
        link = f'<a class="ledger-link" href="{entry(record.ledger_seq)}"'
        assert link in html and f"账本 #{record.ledger_seq}" in html, url


def test_a_timeline_shows_and_links_only_the_entries_its_reader_may_read(world, sign_in):
    act = absence_of_bob(world)
    page = reverse("people:detail", args=[world.bob.pk])
    opened = f'<a class="timeline__seq" href="{entry(act.seq)}">#{act.seq}</a>'
    assert opened in sign_in("grace").get(page).content.decode()
    html = sign_in("alice").get(page).content.decode()
    assert f"#{act.seq}<" not in html  # a personal act is not even listed for a colleague
    registered = Act.objects.get(kind="people.staff_registered", subject_id=world.bob.pk)
    assert f'href="{entry(registered.seq)}">#{registered.seq}</a>' in html


def test_the_ledger_pages_carry_no_inline_script_or_style(world, sign_in):
    act = Act.objects.get(kind="org.team_formed")
    sign()
    client = sign_in("chief")
    for url in (LIST, entry(act.seq)):
        html = client.get(url).content.decode()
        assert "<script>" not in html and " style=" not in html, url
