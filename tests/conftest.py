"""Shared fixtures: users per role and logged-in clients."""

import itertools
import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's million rounds cost ~0.3 s a user and a sign-in.

    Only the tests' own made-up passwords are hashed this way; settings keep PBKDF2 for the portal.
    """
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_run(tmp_path_factory):
    """Uploaded files go to a directory of this run (and of this worker, when tests run in parallel)."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def make_user(db):
    """Factory: make_user(role=None, teams=(), las=(), username=None) -> User (password PASSWORD)."""
    from django.contrib.auth.models import Group
    from django.utils.text import slugify

    from sufficiency.models import LocalAuthority, Team
    from sufficiency.roles import setup_roles

    setup_roles()

    def _make(role=None, teams=(), las=(), username=None, **fields):
        from django.contrib.auth import get_user_model

        User = get_user_model()
        name = username or f"{slugify(role or 'user')}-{next(_counter)}"
        user = User.objects.create_user(username=name, password=PASSWORD, first_name=name.title(), **fields)
        if role:
            user.groups.add(Group.objects.get(name=role))
        for team in teams:
            if isinstance(team, str):
                team, _ = Team.objects.get_or_create(name=team, defaults={"slug": slugify(team)})
            user.teams.add(team)
        for la in las:
            if isinstance(la, str):
                la = LocalAuthority.objects.get(code=la)
            user.local_authorities.add(la)
        return user

    return _make


@pytest.fixture
def seeded_core(db):
    """Authorities (Norfolk, neighbours, regions, England, the demo authority) and the seed teams."""
    from sufficiency.seed import load_seed

    load_seed()


@pytest.fixture
def manager(make_user):
    from sufficiency.roles import MANAGER

    return make_user(MANAGER, username="manager")


@pytest.fixture
def commissioner(make_user):
    from sufficiency.roles import COMMISSIONER

    return make_user(COMMISSIONER, teams=["Commissioning and Resources"], username="commissioner")


@pytest.fixture
def lead_commissioner(make_user):
    from sufficiency.roles import LEAD_COMMISSIONER

    return make_user(LEAD_COMMISSIONER, teams=["Commissioning and Resources"], username="lead")


@pytest.fixture
def data_admin(make_user):
    from sufficiency.roles import DATA_ADMIN

    return make_user(DATA_ADMIN, username="dataadmin")


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(manager):
    return _client_for(manager)


@pytest.fixture
def commissioner_client(commissioner):
    return _client_for(commissioner)


@pytest.fixture
def lead_commissioner_client(lead_commissioner):
    return _client_for(lead_commissioner)


@pytest.fixture
def data_admin_client(data_admin):
    return _client_for(data_admin)
