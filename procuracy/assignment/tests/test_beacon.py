"""The draw with an external randomness beacon (随机信标): the inputs name the beacon's next
round and the draw waits; once the round's value is out (here a directory an operator fills,
or an intranet relay of the drand API) the case office completes it, the value goes into the
ledger, and the ledger alone recomputes the draw. Without a beacon nothing changes."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import urllib.error
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from procuracy.assignment import beacon, draw, services
from procuracy.assignment.models import Assignment
from procuracy.assignment.selectors import case_section
from procuracy.assignment.tests.test_schemes import approved, drafted
from procuracy.assignment.tests.test_services import receive
from procuracy.assignment.verify import verify_all, verify_case
from procuracy.cases.models import Case, CaseStatus
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.ledger import store
from procuracy.powers.models import Refusal

GENESIS = 1_692_803_367  # drand quicknet: round 1 at 2023-08-23 15:09:27 UTC, one every 3 s
PERIOD = 3
SOURCE = "drand-quicknet"
NOW = datetime.datetime(2026, 3, 3, 10, 0, 0, 500_000, tzinfo=ZoneInfo("Asia/Shanghai"))
VALUE = hashlib.sha256(b"beacon").digest()


@pytest.fixture
def rounds(settings, tmp_path):
    """A beacon read from a directory: write a round's value there to publish it."""
    settings.PROCURACY_BEACON = {
        "source": SOURCE,
        "genesis": GENESIS,
        "period": PERIOD,
        "directory": str(tmp_path),
    }
    return tmp_path


def publish(folder, round: int, value: bytes = VALUE) -> None:
    (folder / str(round)).write_text(value.hex() + "\n")


def after(round: int) -> datetime.datetime:
    """A moment just after the round is out."""
    return beacon.published_at(round) + datetime.timedelta(milliseconds=10)


@pytest.fixture
def waiting(world, clerk, rounds):
    """A case whose inputs are committed and which waits for its round."""
    with time_machine.travel(NOW, tick=False):
        return services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=NOW)


def complete(world, clerk, waiting, value: bytes = VALUE, folder=None) -> services.Drawn:
    if folder is not None:
        publish(folder, waiting.round, value)
    case = Case.objects.get(pk=waiting.case_id)
    with time_machine.travel(after(waiting.round), tick=False):
        return services.complete_draw(actor=clerk, case=case)


# The schedule -------------------------------------------------------------------------------


def test_the_round_after_a_moment_is_the_first_one_published_strictly_later(rounds):
    third = datetime.datetime.fromtimestamp(GENESIS + 2 * PERIOD, tz=datetime.UTC)
    assert beacon.published_at(3) == third
    assert beacon.round_after(third) == 4  # round 3 comes out at that very moment: too late
    assert beacon.round_after(third - datetime.timedelta(microseconds=1)) == 3
    assert beacon.round_after(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)) == 1


def test_a_malformed_setting_is_refused(settings):
    settings.PROCURACY_BEACON = {"source": SOURCE, "genesis": GENESIS, "period": 0, "relay": "x"}
    with pytest.raises(Exception, match="period"):
        beacon.source()
    settings.PROCURACY_BEACON = {"source": SOURCE, "genesis": GENESIS, "period": PERIOD}
    with pytest.raises(Exception, match="relay"):
        beacon.source()
    settings.PROCURACY_BEACON = {}
    assert not beacon.configured()


# Commitment, waiting, completion ----------------------------------------------------------


def test_the_commitment_names_the_next_round_and_the_case_waits(world, waiting):
    assert isinstance(waiting, services.Awaiting)
    committed = Act.objects.get(kind="assignment.draw_committed")
    assert committed.body["beacon"] == {"source": SOURCE, "round": waiting.round}
    assert committed.body == waiting.inputs.as_json()
    # published after the inputs were written (with a second to spare), and the one before not
    assert beacon.published_at(waiting.round) > committed.recorded_at + beacon.SLACK
    assert beacon.published_at(waiting.round - 1) <= NOW + beacon.SLACK
    assert waiting.due == beacon.published_at(waiting.round)
    case = Case.objects.get(pk=waiting.case_id)
    assert case.status == CaseStatus.RECEIVED
    assert not Assignment.objects.exists()
    assert not Act.objects.filter(kind="assignment.drawn").exists()
    assert services.awaiting_beacon() == {
        case.pk: services.Awaiting(case.pk, waiting.seq, waiting.inputs)
    }


def test_completion_is_refused_until_the_round_s_value_is_there(world, clerk, rounds, waiting):
    case = Case.objects.get(pk=waiting.case_id)
    not_yet = pytest.raises(RuleViolation, match=f"信标第 {waiting.round} 轮尚未发布")
    with time_machine.travel(after(waiting.round), tick=False), not_yet:
        services.complete_draw(actor=clerk, case=case)
    publish(rounds, waiting.round)
    # a file for a round whose time has not come is not the beacon's value
    early = beacon.published_at(waiting.round) - datetime.timedelta(seconds=1)
    with time_machine.travel(early, tick=False), pytest.raises(RuleViolation, match="尚未发布"):
        services.complete_draw(actor=clerk, case=case)
    assert not Assignment.objects.exists()
    assert not Refusal.objects.exists()  # a rule, not a refused power: nothing to record


def test_completion_assigns_the_org_the_draw_gives_and_records_the_value(
    world, clerk, rounds, waiting
):
    drawn = complete(world, clerk, waiting, folder=rounds)
    expected = draw.draw(waiting.inputs, store.root(waiting.seq + 1), VALUE)
    assert drawn.outcome == expected
    assert drawn.assignment.org_id == expected.chosen
    assert drawn.assignment.draw_seq == waiting.seq
    drawn.assignment.case.refresh_from_db()
    assert drawn.assignment.case.status == CaseStatus.ASSIGNED
    chosen = Act.objects.get(kind="assignment.drawn")
    assert chosen.body["beacon"] == {"source": SOURCE, "round": waiting.round, "value": VALUE.hex()}
    assert chosen.body["commitment"] == waiting.seq
    assert chosen.body["outcome"] == expected.as_json()
    # the value changes the seed: the same inputs and root without it give another seed
    assert expected.seed != draw.seed(store.root(waiting.seq + 1), None)
    assert services.awaiting_beacon() == {}
    with pytest.raises(RuleViolation, match="没有等待信标的随机分案"):
        complete(world, clerk, waiting)


def test_the_ledger_alone_recomputes_a_completed_draw(world, clerk, rounds, waiting):
    drawn = complete(world, clerk, waiting, folder=rounds)
    [check] = verify_case(drawn.assignment.case)
    assert check.matches, check.problems
    assert check.beacon == VALUE and check.outcome == drawn.outcome
    assert f"信标第 {waiting.round} 轮)重算一致" in check.sentence
    # ... and what a third party does: entry s's body, the root of size s + 1, entry s+k's value
    commitment = json.loads(store.entry_bytes(waiting.seq))["body"]
    recorded = json.loads(store.entry_bytes(drawn.assignment.ledger_seq))["body"]["beacon"]
    again = draw.draw(
        draw.DrawInputs.from_json(commitment),
        store.root(waiting.seq + 1),
        bytes.fromhex(recorded["value"]),
    )
    assert again.chosen == drawn.assignment.org_id


def test_a_changed_record_of_the_value_is_found(world, clerk, rounds, waiting):
    drawn = complete(world, clerk, waiting, folder=rounds)
    act = Act.objects.get(kind="assignment.drawn")
    forged = {**act.body, "beacon": {**act.body["beacon"], "value": "00" * 32}}
    Act.objects.filter(pk=act.pk).update(body=forged)
    [check] = verify_case(drawn.assignment.case)
    assert not check.matches
    assert "可读副本与账本条目不符" in check.sentence
    raw = bytes(act.canonical).replace(VALUE.hex().encode(), b"00" * 32)
    Act.objects.filter(pk=act.pk).update(canonical=raw, body=act.body)
    [check] = verify_case(drawn.assignment.case)
    assert f"账本第 {act.seq} 条的内容与默克尔树不符" in check.sentence


def test_a_recorded_value_that_is_not_the_beacon_s_is_found_by_the_beacon_check(
    world, clerk, rounds, waiting
):
    drawn = complete(world, clerk, waiting, folder=rounds)
    with time_machine.travel(after(waiting.round) + datetime.timedelta(minutes=5)):
        [check] = verify_case(drawn.assignment.case, beacon_check=True)
        assert check.matches, check.problems
        publish(rounds, waiting.round, hashlib.sha256(b"the public chain").digest())
        [check] = verify_case(drawn.assignment.case)  # the ledger agrees with itself ...
        assert check.matches
        [check] = verify_case(drawn.assignment.case, beacon_check=True)  # ... not with the beacon
        assert not check.matches
        assert f"信标第 {waiting.round} 轮的值与信标发布的值不同" in check.sentence


def test_a_waiting_draw_is_pending_not_a_mismatch(world, waiting):
    [check] = verify_all()
    assert check.pending and check.unverifiable
    assert f"等待信标第 {waiting.round} 轮" in check.sentence


def test_neither_a_second_draw_nor_a_designation_may_replace_a_waiting_draw(world, clerk, waiting):
    case = Case.objects.get(pk=waiting.case_id)
    with pytest.raises(RuleViolation, match="正在等待信标第"):
        services.draw_case(actor=clerk, case=case)
    with pytest.raises(RuleViolation, match="正在等待信标第"):
        services.designate_case(
            actor=world.actor(world.chief),
            case=case,
            org=world.team,
            reason="major",
            reasoning="案情重大",
        )
    assert Act.objects.filter(kind="assignment.draw_committed").count() == 1
    assert not Assignment.objects.exists()


def test_the_choice_names_the_schemes_the_committed_pool_followed(world, clerk, rounds):
    first = approved(world)
    with time_machine.travel(NOW, tick=False):
        waiting = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=NOW)
    # a new version approved after the commitment, in force the same day, was not followed
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        approved(
            world,
            drafted(world, max_distance=900),
            effective_from=NOW.date(),
            when=NOW + datetime.timedelta(minutes=1),
        )
    drawn = complete(world, clerk, waiting, folder=rounds)
    assert drawn.inputs.max_distance == 150
    assert Act.objects.get(kind="assignment.drawn").body["schemes"] == [first.pk]


def test_a_beacon_configured_elsewhere_than_the_commitment_names_is_refused(
    world, clerk, settings, waiting
):
    settings.PROCURACY_BEACON = {**settings.PROCURACY_BEACON, "source": "drand-default"}
    case = Case.objects.get(pk=waiting.case_id)
    with pytest.raises(RuleViolation, match="不是本系统现在配置的信标"):
        services.complete_draw(actor=clerk, case=case)


def test_completion_belongs_to_the_case_office(world, clerk, rounds, waiting):
    case = Case.objects.get(pk=waiting.case_id)
    publish(rounds, waiting.round)
    with time_machine.travel(after(waiting.round), tick=False), pytest.raises(ActDenied):
        services.complete_draw(actor=world.actor(world.alice), case=case)
    assert not Assignment.objects.exists()
    assert Refusal.objects.get().act == "assignment.draw"


# Without a beacon -------------------------------------------------------------------------


def test_without_a_beacon_the_draw_completes_at_once_as_before(world, clerk, settings, monkeypatch):
    settings.PROCURACY_BEACON = {}
    monkeypatch.setattr(beacon.urllib.request, "urlopen", pytest.fail)
    drawn = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=NOW)
    assert isinstance(drawn, services.Drawn) and drawn.beacon is None
    assert drawn.inputs.beacon is None
    assert Act.objects.get(kind="assignment.draw_committed").body["beacon"] is None
    assert "beacon" not in Act.objects.get(kind="assignment.drawn").body
    assert verify_case(drawn.assignment.case)[0].matches


# Where the values come from ---------------------------------------------------------------


def test_a_directory_file_may_hold_drand_s_json_answer(rounds):
    signature = bytes(range(48))
    answer = {"round": 7, "randomness": hashlib.sha256(signature).hexdigest(), "signature": ""}
    (rounds / "7").write_text(json.dumps({**answer, "signature": signature.hex()}))
    assert beacon.value(7) == hashlib.sha256(signature).digest()
    (rounds / "8").write_text(json.dumps({**answer, "round": 8, "signature": "00" * 48}))
    assert beacon.value(8) is None  # the randomness is not the hash of the signature: garbled
    (rounds / "9").write_text(json.dumps({**answer, "signature": signature.hex()}))
    assert beacon.value(9) is None  # the answer is for round 7
    (rounds / "10").write_text("not hex")
    assert beacon.value(10) is None
    assert beacon.value(11) is None  # no file


class Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def relay(settings, monkeypatch):
    settings.PROCURACY_BEACON = {
        "source": SOURCE,
        "genesis": GENESIS,
        "period": PERIOD,
        "relay": "http://beacon.intranet/52db9ba7/",
    }
    asked: list[tuple[str, float]] = []

    def answer(request, timeout):
        asked.append((request.full_url, timeout))
        if request.full_url.endswith("/public/12"):
            raise urllib.error.URLError("connection refused")
        round = int(request.full_url.rsplit("/", 1)[1])
        return Answer(json.dumps({"round": round, "randomness": VALUE.hex()}).encode())

    monkeypatch.setattr(beacon.urllib.request, "urlopen", answer)
    return asked


def test_the_relay_is_asked_for_the_round_and_a_failure_means_not_yet(relay):
    assert beacon.value(11) == VALUE
    assert relay == [("http://beacon.intranet/52db9ba7/public/11", beacon.TIMEOUT)]
    assert beacon.value(12) is None
    future = beacon.round_after(datetime.datetime.now(tz=datetime.UTC)) + 10
    assert beacon.value(future) is None and len(relay) == 2  # not asked before its time


def test_a_draw_completes_from_the_relay(world, clerk, relay):
    with time_machine.travel(NOW, tick=False):
        waiting = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=NOW)
    drawn = complete(world, clerk, waiting)
    assert drawn.beacon == VALUE
    assert relay[-1][0].endswith(f"/public/{waiting.round}")


# The command line and the case page ---------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("assign", *args, stdout=out)
    return out.getvalue()


def test_the_command_draws_completes_every_draw_whose_round_is_out_and_verifies(
    world, clerk, rounds
):
    first, second = receive(world, clerk), receive(world, clerk)
    with time_machine.travel(NOW, tick=False):
        out = run("draw", first.number, "--as", "frank")
        assert "等待信标第" in out and "procuracy assign complete" in out
        round = services.awaiting_beacon()[first.pk].round
        assert f"等待信标第 {round} 轮(约 " in out
    with time_machine.travel(after(round) + datetime.timedelta(seconds=PERIOD), tick=False):
        run("draw", second.number, "--as", "frank")
    publish(rounds, round)
    with time_machine.travel(after(round + 1), tick=False):
        out = run("complete", "--all", "--as", "frank")
        assert "完成随机分案 1 件,仍在等待信标 1 件" in out  # the second's round is not out
        out = run("verify", "--all")
        assert "不一致 0 次" in out and "另有 1 次随机分案正在等待信标" in out
        out = run("verify", first.number)
        assert f"第 {round} 轮的值(账本所载):{VALUE.hex()}" in out
    with time_machine.travel(after(round + 1), tick=False), pytest.raises(CommandError) as refused:
        run("complete", second.number, "--as", "frank")
    assert refused.value.returncode == 1 and "尚未发布" in str(refused.value)


def test_the_case_page_shows_the_round_awaited_and_no_new_draw(world, sign_in, clerk, waiting):
    case = Case.objects.get(pk=waiting.case_id)
    with time_machine.travel(NOW, tick=False):
        html = sign_in("frank").get(reverse("cases:detail", args=[case.pk])).content.decode()
        section = case_section(clerk, case)
    assert f"等待信标第 {waiting.round} 轮(约 " in html
    assert reverse("assignment:draw", args=[case.pk]) not in html
    assert reverse("assignment:designate", args=[case.pk]) not in html
    assert "重算不一致" not in html
    assert section["awaiting"].seq == waiting.seq and section["complete_decision"].allowed
    assert not case_section(world.actor(world.alice), case)["complete_decision"].allowed


def test_the_case_page_commits_then_completes_a_draw_once_the_round_is_out(
    world, clerk, rounds, sign_in
):
    case = receive(world, clerk)
    client = sign_in("frank")
    with time_machine.travel(NOW, tick=False):
        page = client.post(reverse("assignment:draw", args=[case.pk]), follow=True)
    waiting = services.awaiting_beacon([case.pk])[case.pk]
    assert f"等待信标第 {waiting.round} 轮" in page.content.decode()
    with time_machine.travel(after(waiting.round), tick=False):
        early = client.post(reverse("assignment:complete", args=[case.pk]), follow=True)
        assert "尚未发布" in early.content.decode()
        publish(rounds, waiting.round)
        done = client.post(reverse("assignment:complete", args=[case.pk]), follow=True)
    assert "随机分案完成" in done.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED
    assert verify_case(case)[0].matches


def test_the_case_offices_desk_shows_the_draw_waiting_for_its_round(world, clerk, waiting):
    from procuracy.cases.desk import desk

    row = next(c for c in desk(clerk).to_draw if c.pk == waiting.case_id)
    assert row.awaiting_beacon.round == waiting.round
