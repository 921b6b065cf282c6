"""Roles as groups: the groups and their permissions, who has which role, and which roles one may grant.
Who may manage whom in the admin is tested through the admin in test_admin_security.py."""

from django.contrib.auth.models import AnonymousUser, Group

from sufficiency import roles
from tests.factories import UserFactory


def test_setup_roles_makes_each_group_with_its_permissions_and_is_idempotent(db):
    Group.objects.filter(name__in=roles.ROLES).delete()
    first = roles.setup_roles()
    again = roles.setup_roles()
    assert first == again and set(first) >= set(roles.ROLES)
    data_admin = Group.objects.get(name=roles.DATA_ADMIN)
    codenames = {f"{p.content_type.app_label}.{p.codename}" for p in data_admin.permissions.all()}
    assert set(roles.ROLE_PERMISSIONS[roles.DATA_ADMIN]) <= codenames
    assert "sufficiency.change_user" not in {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=roles.MANAGER).permissions.all()
    }


def test_setup_roles_adds_extra_permissions_and_skips_unknown_ones(db):
    counts = roles.setup_roles(extra={roles.MANAGER: ["sufficiency.add_team", "noapp.no_such_permission"]})
    manager = Group.objects.get(name=roles.MANAGER)
    assert manager.permissions.filter(codename="add_team").exists()
    assert counts[roles.MANAGER] == len(roles.ROLE_PERMISSIONS[roles.MANAGER]) + 1
    roles.setup_roles()  # the next run sets the permissions back to the table's
    assert not manager.permissions.filter(codename="add_team").exists()


def test_has_role_and_role_names(db):
    lead = UserFactory(role=roles.LEAD_COMMISSIONER)
    nobody = UserFactory()
    root = UserFactory(is_superuser=True)
    assert roles.has_role(lead, roles.LEAD_COMMISSIONER)
    assert roles.has_role(lead, roles.MANAGER, roles.LEAD_COMMISSIONER)
    assert not roles.has_role(lead, roles.COMMISSIONER)
    assert not roles.has_role(nobody, *roles.ROLES)
    assert not roles.has_role(AnonymousUser(), *roles.ROLES)
    assert roles.has_role(root, roles.DATA_ADMIN)
    assert roles.role_names(lead) == [roles.LEAD_COMMISSIONER]
    assert roles.role_names(nobody) == []
    assert roles.role_names(root) == ["Superuser"]


def test_roles_are_read_once_per_user_object(db, django_assert_num_queries):
    user = UserFactory(role=roles.MANAGER)
    with django_assert_num_queries(1):
        assert roles.has_role(user, roles.MANAGER) and not roles.has_role(user, roles.DATA_ADMIN)


def test_grantable_roles(db):
    assert roles.grantable_roles(UserFactory(is_superuser=True)) == tuple(roles.ROLES)
    data_admin = UserFactory(role=roles.DATA_ADMIN)
    assert roles.grantable_roles(data_admin) == (roles.COMMISSIONER, roles.LEAD_COMMISSIONER, roles.MANAGER)
    assert roles.DATA_ADMIN not in roles.grantable_roles(data_admin)
    assert roles.grantable_roles(UserFactory(role=roles.LEAD_COMMISSIONER)) == ()
    assert roles.grantable_roles(UserFactory(role=roles.DATA_ADMIN, is_active=False)) == ()
    assert roles.grantable_roles(AnonymousUser()) == ()


def test_authority_limits_are_the_granted_authorities_or_none(db):
    from tests.factories import LocalAuthorityFactory

    one, two = LocalAuthorityFactory(), LocalAuthorityFactory()
    assert roles.authority_limits(UserFactory()) is None  # none granted: every authority
    assert roles.authority_limits(UserFactory(las=[one, two])) == frozenset({one.pk, two.pk})
    assert roles.authority_limits(UserFactory(is_superuser=True, las=[one])) is None
