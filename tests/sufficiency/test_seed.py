import pytest
from django.core.management import call_command

from sufficiency.models import LocalAuthority, Team

NEIGHBOURS = {
    "Suffolk",
    "Cornwall",
    "Devon",
    "Derbyshire",
    "Northumberland",
    "Kent",
    "Somerset",
    "Lincolnshire",
    "Nottinghamshire",
    "Medway",
}


@pytest.mark.django_db
def test_seed_loads_norfolk_neighbours_region_and_england():
    from sufficiency.seed import load_seed

    load_seed()
    load_seed()  # idempotent
    norfolk = LocalAuthority.objects.get(code="E10000020")
    assert norfolk.dfe_number == "926"
    assert norfolk.region.name == "East of England"
    assert {la.name for la in norfolk.statistical_neighbours.all()} == NEIGHBOURS
    assert LocalAuthority.objects.get(code="E92000001").kind == "national"
    demo = LocalAuthority.objects.get(code="Z99999999")
    assert demo.is_synthetic and "synthetic" in str(demo).lower()
    assert set(Team.objects.values_list("name", flat=True)) >= {
        "Commissioning and Resources",
        "Transformation",
        "Corporate Parenting",
    }


@pytest.mark.django_db
def test_visible_to_limits_to_granted_authorities(make_user, seeded_core):
    from sufficiency.roles import MANAGER

    everyone = make_user(MANAGER)
    norfolk_only = make_user(MANAGER, las=["E10000020"])
    assert LocalAuthority.objects.visible_to(everyone).count() == LocalAuthority.objects.las().count()
    assert list(LocalAuthority.objects.visible_to(norfolk_only).values_list("code", flat=True)) == [
        "E10000020"
    ]


@pytest.mark.django_db
def test_setup_roles_command_creates_the_four_roles():
    from django.contrib.auth.models import Group

    call_command("setup_roles")
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Commissioner",
        "Lead commissioner",
        "Manager",
        "Data admin",
    }
    assert Group.objects.get(name="Data admin").permissions.filter(codename="change_localauthority").exists()
