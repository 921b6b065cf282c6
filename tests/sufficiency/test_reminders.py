"""send_reminders with Django's locmem backend: who gets what, nobody who switched it off, never twice a week."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from sufficiency.models import ReminderDigest
from sufficiency.roles import COMMISSIONER, MANAGER
from tests.factories import ActionFactory, MeasureFactory, TeamFactory, UserFactory

TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def team(db):
    return TeamFactory(name="Commissioning and Resources")


def test_owners_get_their_due_actions_and_measures_once_a_week(team):
    owner = UserFactory(role=COMMISSIONER, teams=[team], email="owner@example.org")
    off = UserFactory(role=COMMISSIONER, teams=[team], email="off@example.org", email_reminders=False)
    UserFactory(role=MANAGER, email="manager@example.org")  # owns nothing: no e-mail
    overdue = ActionFactory(owner_team=team, due_end=date(2026, 6, 30))
    ActionFactory(owner_team=team, due_end=date(2028, 3, 31))  # not due: not listed
    not_mine = ActionFactory(due_end=date(2025, 3, 31))
    measure = MeasureFactory(owner_team=team, next_update=date(2026, 10, 1))

    call_command("send_reminders", "--date", TODAY.isoformat())

    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    body = mail.outbox[0].body
    assert str(overdue) in body and "Red: past its due date" in body and str(not_mine) not in body
    assert str(measure) in body and "1 action to update and 1 measure overdue" in mail.outbox[0].subject
    assert reverse("priorities:action_status_update", args=[overdue.pk]) in body
    assert ReminderDigest.objects.get(user=owner).week == "2026-W49"
    assert not ReminderDigest.objects.filter(user=off).exists()

    call_command("send_reminders", "--date", "2026-12-03")  # same ISO week
    assert len(mail.outbox) == 1
    call_command("send_reminders", "--date", "2026-12-08")  # next week
    assert len(mail.outbox) == 2


def test_dry_run_sends_nothing(team):
    UserFactory(role=COMMISSIONER, teams=[team], email="owner@example.org")
    ActionFactory(owner_team=team, due_end=date(2026, 6, 30))
    call_command("send_reminders", "--date", TODAY.isoformat(), "--dry-run")
    assert mail.outbox == [] and not ReminderDigest.objects.exists()


def test_bad_date_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "next tuesday")


def test_switching_reminders_off_on_the_preferences_page(client, team):
    user = UserFactory(role=COMMISSIONER, teams=[team], email="owner@example.org")
    client.force_login(user)
    assert client.post(reverse("reminder_preferences"), {"email_reminders": "off"}).status_code == 302
    user.refresh_from_db()
    assert user.email_reminders is False
    response = client.post(reverse("reminder_preferences"), {"email_reminders": "maybe"})
    assert "Select whether you want" in response.content.decode()
    user.refresh_from_db()
    assert user.email_reminders is False


def test_every_signed_in_page_links_to_the_reminder_preferences(client, team):
    client.force_login(UserFactory(role=MANAGER, email="measure-owner@example.org"))
    assert (
        f'href="{reverse("reminder_preferences")}">E-mail reminders</a>' in client.get("/").content.decode()
    )
    client.logout()
    assert "E-mail reminders" not in client.get(reverse("login")).content.decode()
