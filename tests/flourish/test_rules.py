"""Who may change FLOURISH data (flourish/rules.py), asked as the views ask: user.has_perm(name, measure)."""

import pytest

from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER
from tests.factories import MeasureFactory, TeamFactory, UserFactory


@pytest.fixture
def owned(db):
    return MeasureFactory(owner_team=TeamFactory(name="Owners"))


@pytest.mark.parametrize(
    ("role", "teams", "may_edit"),
    [
        (COMMISSIONER, ["Owners"], True),
        (COMMISSIONER, ["Elsewhere"], False),
        (LEAD_COMMISSIONER, [], True),
        (DATA_ADMIN, [], True),
        (MANAGER, ["Owners"], False),
        (None, ["Owners"], False),
    ],
)
def test_who_adds_a_measures_values_and_commentary(owned, role, teams, may_edit):
    assert UserFactory(role=role, teams=teams).has_perm("flourish.edit_measure", owned) is may_edit


def test_a_measure_with_no_owner_team_is_kept_by_leads_and_data_admins_only(db):
    unowned = MeasureFactory(owner_team=None)
    assert not UserFactory(role=COMMISSIONER, teams=["Owners"]).has_perm("flourish.edit_measure", unowned)
    assert UserFactory(role=LEAD_COMMISSIONER).has_perm("flourish.edit_measure", unowned)
    assert UserFactory(role=DATA_ADMIN).has_perm("flourish.edit_measure", unowned)


@pytest.mark.parametrize(
    ("role", "upload", "link", "register"),
    [
        (DATA_ADMIN, True, False, True),
        (LEAD_COMMISSIONER, False, True, True),
        (COMMISSIONER, False, False, False),
        (MANAGER, False, False, False),
    ],
)
def test_uploads_links_and_the_register(db, role, upload, link, register):
    user = UserFactory(role=role)
    assert user.has_perm("flourish.upload_values") is upload
    assert user.has_perm("flourish.link_actions") is link
    assert user.has_perm("flourish.manage_register") is register
