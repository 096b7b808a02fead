import pytest
from django.core.management import CommandError, call_command

from procuracy.core.models import Act


def test_a_command_line_act_names_its_actor(world, capsys):
    call_command(
        "staff",
        "absence",
        str(world.bob.pk),
        "--kind",
        "training",
        "--from",
        "2025-03-03",
        "--to",
        "2025-03-07",
        "--as",
        "grace",
    )
    act = Act.objects.get(kind="people.absence_recorded")
    assert act.actor == world.grace
    assert "包博" in capsys.readouterr().out


def test_a_command_line_act_without_the_power_is_refused_with_the_reason(world):
    with pytest.raises(CommandError, match="须由"):
        call_command(
            "staff",
            "leave",
            str(world.bob.pk),
            "--on",
            "2025-03-03",
            "--reason",
            "辞职",
            "--as",
            "alice",
        )
    world.bob.refresh_from_db()
    assert world.bob.left_on is None


def test_a_broken_rule_on_the_command_line_names_the_field(world):
    with pytest.raises(CommandError, match="ends_on"):
        call_command(
            "staff",
            "absence",
            str(world.bob.pk),
            "--kind",
            "leave",
            "--from",
            "2025-03-07",
            "--to",
            "2025-03-03",
            "--as",
            "system",
        )
    assert not world.bob.absences.exists()


def test_an_unknown_login_or_a_bad_date_is_refused(world):
    with pytest.raises(CommandError, match="nobody"):
        call_command(
            "staff",
            "leave",
            str(world.bob.pk),
            "--on",
            "2025-03-03",
            "--reason",
            "x",
            "--as",
            "nobody",
        )
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "staff",
            "leave",
            str(world.bob.pk),
            "--on",
            "3/3/2025",
            "--reason",
            "x",
            "--as",
            "system",
        )
    assert world.bob.left_on is None
