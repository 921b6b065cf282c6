"""Login on every page, roles, the 403 page, logout, lockout and deploy checks."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

PAGES = ["home", "placements:dashboard", "priorities:action_list", "flourish:overview", "data:index"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_page_needs_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_accessibility_statement_is_public(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert b"Accessibility statement" in response.content


def test_manager_sees_overview_but_not_data_pages(manager_client):
    assert manager_client.get(reverse("home")).status_code == 200
    response = manager_client.get(reverse("data:index"))
    assert response.status_code == 403
    assert b"You do not have permission to do this" in response.content


def test_data_admin_sees_data_link(data_admin_client, manager_client):
    data_url = reverse("data:index").encode()
    assert data_url in data_admin_client.get(reverse("home")).content
    assert data_url not in manager_client.get(reverse("home")).content


def test_login_and_logout(client, manager):
    response = client.post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_error(client, manager):
    response = client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content


def test_axes_locks_out_after_repeated_failures(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "manager", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(
        reverse("login"), {"username": "manager", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert b"Your account is locked" in response.content


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_csp_header_forbids_outside_assets(manager_client):
    response = manager_client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_check_deploy_is_clean_with_production_values(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": "x" * 30 + "production-like-secret-key-value-1234567890",
        "PSEUDONYM_KEY": "p" * 30 + "production-like-pseudonym-key-1234567890",
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_without_secret_key_when_debug_off(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "TESTING": "false", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_data_admin_keeps_reference_data_in_admin(data_admin_client, manager_client, seeded_core, manager):
    assert data_admin_client.get("/admin/sufficiency/localauthority/").status_code == 200
    assert manager_client.get("/admin/").status_code == 302  # to the admin login: not for managers
    page = data_admin_client.get(f"/admin/sufficiency/user/{manager.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content  # cannot grant superuser status


@pytest.fixture
def authorities(db):
    from sufficiency.models import LocalAuthority

    def make(code, name, is_synthetic=False):
        return LocalAuthority.objects.update_or_create(
            code=code, defaults={"name": name, "is_synthetic": is_synthetic, "kind": "la"}
        )[0]

    return {
        "demo": make(code="X00000001", name="Anyshire", is_synthetic=True),
        "suffolk": make(code="E10000029", name="Suffolk"),
        "essex": make(code="E10000012", name="Essex"),
        "default": make(code=settings.DEFAULT_LA_CODE, name="Norfolk"),
    }


def test_default_authority_is_the_setting_s_when_the_user_may_see_it(make_user, authorities):
    from sufficiency.access import default_authority
    from sufficiency.models import LocalAuthority

    user = make_user()
    assert default_authority(user) == authorities["default"]
    prefer = LocalAuthority.objects.filter(pk=authorities["suffolk"].pk)
    assert default_authority(user, prefer=prefer) == authorities["default"]  # the setting comes first


def test_default_authority_falls_back_to_preferred_then_real_before_synthetic(make_user, authorities):
    from sufficiency.access import default_authority
    from sufficiency.models import LocalAuthority

    user = make_user()
    user.local_authorities.add(authorities["demo"], authorities["suffolk"], authorities["essex"])
    assert default_authority(user) == authorities["essex"]  # real before synthetic, then by name
    prefer = LocalAuthority.objects.filter(pk__in=[authorities["suffolk"].pk, authorities["default"].pk])
    assert default_authority(user, prefer=prefer) == authorities["suffolk"]  # Norfolk is not granted
    among = LocalAuthority.objects.filter(pk=authorities["demo"].pk)
    assert default_authority(user, among=among) == authorities["demo"]
    assert default_authority(make_user(), among=LocalAuthority.objects.none()) is None


def test_chosen_authority_named_default_or_403(make_user, authorities, rf):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from sufficiency.access import chosen_authority

    user = make_user()
    user.local_authorities.add(authorities["suffolk"])
    request = rf.get("/", {"la": "E10000029"})
    request.user = user
    assert chosen_authority(request) == authorities["suffolk"]
    request = rf.get("/")
    request.user = user
    assert chosen_authority(request) == authorities["suffolk"]  # the only one granted
    with pytest.raises(PermissionDenied):
        chosen_authority(request, "E10000012")  # outside the grants
    with pytest.raises(Http404):
        chosen_authority(request, "E99999999")


def test_chosen_authority_among_those_with_data_else_the_usual_default(make_user, authorities, rf):
    from sufficiency.access import chosen_authority
    from sufficiency.models import LocalAuthority

    request = rf.get("/")
    request.user = make_user()
    with_data = LocalAuthority.objects.filter(pk=authorities["demo"].pk)
    assert chosen_authority(request, among=with_data) == authorities["demo"]  # not the setting's Norfolk
    assert chosen_authority(request, among=LocalAuthority.objects.none()) == authorities["default"]
    request = rf.get("/", {"la": "E10000029"})
    request.user = make_user()
    assert chosen_authority(request, among=with_data) == authorities["suffolk"]  # a named one wins
