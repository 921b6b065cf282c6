"""The core models (sufficiency/models.py): which authorities a user sees, and how rows are named."""

from django.contrib.auth.models import AnonymousUser

from sufficiency.models import LocalAuthority
from tests.factories import LocalAuthorityFactory, TeamFactory, UserFactory


def test_las_are_authorities_not_regions_or_england(db):
    region = LocalAuthorityFactory(kind="region")
    la = LocalAuthorityFactory(region=region)
    las = LocalAuthority.objects.las()
    assert la in las and region not in las
    assert not las.exclude(kind="la").exists()


def test_visible_to_is_the_granted_authorities_or_every_one(db):
    one, two = LocalAuthorityFactory(), LocalAuthorityFactory()
    every = set(LocalAuthority.objects.las())
    assert set(LocalAuthority.objects.visible_to(UserFactory(las=[one]))) == {one}
    assert set(LocalAuthority.objects.visible_to(UserFactory(las=[one, two]))) == {one, two}
    assert set(LocalAuthority.objects.visible_to(UserFactory())) == every  # none granted: every one
    assert set(LocalAuthority.objects.visible_to(UserFactory(is_superuser=True, las=[one]))) == every
    assert not LocalAuthority.objects.visible_to(AnonymousUser()).exists()


def test_names(db):
    assert str(LocalAuthorityFactory(name="Testshire")) == "Testshire"
    assert str(LocalAuthorityFactory(name="Demoshire", is_synthetic=True)) == "Demoshire (synthetic)"
    assert str(LocalAuthorityFactory(name="Synthetic County", is_synthetic=True)) == "Synthetic County"
    assert str(TeamFactory(name="Transformation")) == "Transformation"
    assert str(UserFactory(username="jo", first_name="Jo", last_name="Example")) == "Jo Example"
    assert str(UserFactory(username="plain", first_name="")) == "plain"


def test_a_users_team_changes_are_in_its_history(db):
    user = UserFactory()
    user.teams.add(TeamFactory(name="Owners"))
    latest = user.history.first()
    assert [t.team.name for t in latest.teams.all()] == ["Owners"]
