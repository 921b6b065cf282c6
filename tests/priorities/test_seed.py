from datetime import date

from priorities.models import Action, Portfolio, PortfolioTheme, Priority, Theme
from priorities.seed import load_seed, status_from_source
from sufficiency.models import Team


def test_load_seed_creates_everything(seeded):
    assert Priority.objects.count() == 30
    assert Action.objects.count() == 30
    assert Portfolio.objects.count() == 6
    assert Theme.objects.count() == 5
    assert PortfolioTheme.objects.count() == 25
    assert PortfolioTheme.objects.exclude(text="").count() == 13
    for name in ["Commissioning and Resources", "Transformation", "Adoption", "CCG/NCC", "HSB Team Lead"]:
        assert Team.objects.filter(name=name).exists()
    assert "30 actions added" in seeded


def test_load_seed_is_idempotent_and_keeps_portal_changes(seeded):
    action = Action.objects.get(timescale_text="April 2021 to April 2022")
    Action.objects.filter(pk=action.pk).update(status="Complete", progress_note="Done")
    summary = load_seed()
    assert Priority.objects.count() == 30 and Action.objects.count() == 30
    assert PortfolioTheme.objects.count() == 25
    assert "0 actions added" in summary
    action.refresh_from_db()
    assert action.status == "Complete" and action.progress_note == "Done"


def test_statuses_mapped_and_source_text_kept(seeded):
    assert status_from_source("In Progress") == "In progress"
    assert Action.objects.filter(status_text="In Progress", status="In progress").count() == 27
    assert Action.objects.filter(status_text="In progress").count() == 2
    launched = Action.objects.get(status_text="Launched")
    assert launched.status == "Launched"
    assert set(Action.objects.values_list("status", flat=True)) == {"In progress", "Launched"}


def test_timescales_parsed(seeded):
    mh = Action.objects.get(timescale_text="April 2021 to April 2022")
    assert (mh.due_start, mh.due_end) == (date(2021, 4, 1), date(2022, 4, 30))
    sept = Action.objects.get(timescale_text="Sept 2021")
    assert (sept.due_start, sept.due_end) == (date(2021, 9, 1), date(2021, 9, 30))
    assert Action.objects.filter(due_end__isnull=True).count() == 0


def test_co_owner_teams_and_themes(seeded):
    action = Action.objects.get(
        priority__title="To develop opportunities and services with the Adoption Support Team"
    )
    assert action.owner_team.name == "Adoption"
    assert [t.name for t in action.co_owner_teams.all()] == ["Commissioning"]
    assert sorted(t.name for t in action.themes.all()) == ["Build", "Partner", "Transform"]
    assert action.assigned_to_text == "Adoption  Commissioning"


def test_seed_records_history(seeded):
    action = Action.objects.first()
    assert action.history.count() == 1
