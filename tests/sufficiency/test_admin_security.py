"""The admin refuses escalation: a data admin manages only non-admin users of their own authorities.

Each refused attempt returns 403 and leaves the target's password, roles, authorities and flags as
they were; the positive tests show a data admin can still do their job, and a superuser anything."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from sufficiency.admin import UserAdmin
from sufficiency.models import LocalAuthority, Team, User
from sufficiency.roles import (
    COMMISSIONER,
    DATA_ADMIN,
    GRANTABLE_ROLES,
    LEAD_COMMISSIONER,
    MANAGER,
    user_manageable_by,
    users_manageable_by,
)
from tests.conftest import PASSWORD

NORFOLK = "E10000020"
DEMO = "Z99999999"
NEW_PASSWORD = "a-quite-different-passphrase-77"


# ---- helpers ----------------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(user) -> dict:
    """What an escalation would change."""
    user = User.objects.get(pk=user.pk)
    return {
        "password": user.password,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "first_name": user.first_name,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "local_authorities": sorted(user.local_authorities.values_list("code", flat=True)),
        "teams": sorted(user.teams.values_list("name", flat=True)),
        "user_permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


def change_data(user, **overrides) -> dict:
    """The fields a data admin's change form posts, filled from the user as stored."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "job_title": user.job_title,
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "teams": [str(pk) for pk in user.teams.values_list("pk", flat=True)],
        "local_authorities": [str(pk) for pk in user.local_authorities.values_list("pk", flat=True)],
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def group_pk(name: str) -> str:
    return str(Group.objects.get(name=name).pk)


def la_pk(code: str) -> str:
    return str(LocalAuthority.objects.get(code=code).pk)


def password_data() -> dict:
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}


# ---- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def norfolk_admin(make_user, seeded_core):
    """A data admin limited to Norfolk: the actor in the reported attack."""
    return make_user(DATA_ADMIN, las=[NORFOLK], username="norfolk-admin")


@pytest.fixture
def in_scope(make_user, seeded_core):
    """A Norfolk commissioner: someone the Norfolk data admin looks after."""
    return make_user(COMMISSIONER, las=[NORFOLK], teams=["Transformation"], username="norfolk-commissioner")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


TARGETS = [
    "superuser",
    "staff",
    "other_data_admin",
    "self",
    "no_authority",
    "other_authority",
    "norfolk_and_other",
    "individual_permission",
]


@pytest.fixture
def target(request, make_user, seeded_core, norfolk_admin, superuser):
    """Users out of the Norfolk data admin's reach, one per reason."""
    kind = request.param
    if kind == "superuser":
        superuser.local_authorities.add(LocalAuthority.objects.get(code=NORFOLK))
        return superuser
    if kind == "staff":
        return make_user(MANAGER, las=[NORFOLK], is_staff=True)
    if kind == "other_data_admin":
        return make_user(DATA_ADMIN, las=[NORFOLK])
    if kind == "self":
        return norfolk_admin
    if kind == "no_authority":
        return make_user(MANAGER)  # sees every authority
    if kind == "other_authority":
        return make_user(COMMISSIONER, las=[DEMO])
    if kind == "norfolk_and_other":
        return make_user(COMMISSIONER, las=[NORFOLK, DEMO])
    if kind == "individual_permission":
        user = make_user(COMMISSIONER, las=[NORFOLK])
        user.user_permissions.add(Permission.objects.get(codename="change_user"))
        return user
    raise ValueError(kind)


# ---- the rules --------------------------------------------------------------------------------------------


def test_data_admin_never_grants_data_admin():
    assert DATA_ADMIN not in GRANTABLE_ROLES[DATA_ADMIN]
    assert set(GRANTABLE_ROLES[DATA_ADMIN]) == {COMMISSIONER, LEAD_COMMISSIONER, MANAGER}


@pytest.mark.parametrize("target", TARGETS, indirect=True)
def test_out_of_scope_users_are_not_manageable(norfolk_admin, target):
    assert not user_manageable_by(norfolk_admin, target)
    assert target not in users_manageable_by(norfolk_admin)


def test_limited_admin_manages_users_of_their_authorities_only(norfolk_admin, in_scope, make_user):
    lead = make_user(LEAD_COMMISSIONER, las=[NORFOLK])
    no_role = make_user(None, las=[NORFOLK])
    assert set(users_manageable_by(norfolk_admin)) == {in_scope, lead, no_role}


def test_unlimited_admin_manages_every_non_admin_user(make_user, seeded_core, superuser):
    unlimited = make_user(DATA_ADMIN)
    everywhere = make_user(MANAGER)
    demo = make_user(COMMISSIONER, las=[DEMO])
    make_user(DATA_ADMIN, las=[NORFOLK])
    make_user(MANAGER, is_staff=True)
    assert set(users_manageable_by(unlimited)) == {everywhere, demo}


def test_other_roles_manage_nobody(make_user, seeded_core, in_scope):
    lead = make_user(LEAD_COMMISSIONER, las=[NORFOLK])
    assert not users_manageable_by(lead).exists()


# ---- every route, out of scope: 403 and nothing changed ---------------------------------------------------


def _routes(target) -> list[tuple[str, str, dict | None]]:
    base = f"/admin/sufficiency/user/{target.pk}"
    version = target.history.earliest().history_id
    change = change_data(target, first_name="Changed", groups=[group_pk(LEAD_COMMISSIONER)])
    return [
        ("get", f"{base}/change/", None),
        ("post", f"{base}/change/", change),
        ("get", f"{base}/password/", None),
        ("post", f"{base}/password/", password_data()),
        ("get", f"{base}/history/", None),
        ("get", f"{base}/history/{version}/", None),
        ("post", f"{base}/history/{version}/", change),
        ("get", f"{base}/delete/", None),
        ("post", f"{base}/delete/", {"post": "yes"}),
    ]


@pytest.mark.parametrize("target", TARGETS, indirect=True)
def test_every_user_route_refuses_an_out_of_scope_user(norfolk_admin, target):
    client = client_for(norfolk_admin)
    before = snapshot(target)
    for method, url, data in _routes(target):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 403, (method, url, response.status_code)
    assert snapshot(target) == before
    assert User.objects.filter(pk=target.pk).exists()


def test_reported_attack_cannot_take_over_a_superuser(norfolk_admin, superuser):
    """The issue's steps: set the superuser's password, then sign in as them."""
    client = client_for(norfolk_admin)
    response = client.post(f"/admin/sufficiency/user/{superuser.pk}/password/", password_data())
    assert response.status_code == 403
    assert not User.objects.get(username="root").check_password(NEW_PASSWORD)
    assert User.objects.get(username="root").check_password(PASSWORD)


def test_data_admin_cannot_change_own_roles_or_limits(norfolk_admin):
    client = client_for(norfolk_admin)
    before = snapshot(norfolk_admin)
    data = change_data(
        norfolk_admin, groups=[group_pk(DATA_ADMIN), group_pk(LEAD_COMMISSIONER)], local_authorities=[]
    )
    response = client.post(f"/admin/sufficiency/user/{norfolk_admin.pk}/change/", data)
    assert response.status_code == 403
    assert snapshot(norfolk_admin) == before


def test_own_password_is_changed_on_the_password_change_page(norfolk_admin):
    client = client_for(norfolk_admin)
    assert client.get(f"/admin/sufficiency/user/{norfolk_admin.pk}/password/").status_code == 403
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="norfolk-admin").check_password(NEW_PASSWORD)


def test_changelist_lists_only_users_in_scope(norfolk_admin, in_scope, superuser, make_user):
    make_user(COMMISSIONER, las=[DEMO], username="demo-commissioner")
    make_user(MANAGER, username="everywhere-manager")
    response = client_for(norfolk_admin).get("/admin/sufficiency/user/")
    assert response.status_code == 200
    listed = {user.username for user in response.context["cl"].result_list}
    assert listed == {"norfolk-commissioner"}


def test_data_admin_cannot_add_users(norfolk_admin, make_user, seeded_core):
    unlimited = make_user(DATA_ADMIN)
    for actor in (norfolk_admin, unlimited):
        client = client_for(actor)
        count = User.objects.count()
        assert client.get("/admin/sufficiency/user/add/").status_code == 403
        data = {
            "username": "newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        }
        assert client.post("/admin/sufficiency/user/add/", data).status_code == 403
        assert User.objects.count() == count


def test_save_as_new_is_refused(norfolk_admin, in_scope):
    count = User.objects.count()
    data = change_data(in_scope, username="copy-of-commissioner", _saveasnew="Save as new")
    response = client_for(norfolk_admin).post(f"/admin/sufficiency/user/{in_scope.pk}/change/", data)
    assert response.status_code == 403
    assert User.objects.count() == count


def test_bulk_delete_is_refused(norfolk_admin, in_scope, superuser):
    count = User.objects.count()
    data = {
        "action": "delete_selected",
        "_selected_action": [in_scope.pk, superuser.pk],
        "post": "yes",
        "index": 0,
    }
    response = client_for(norfolk_admin).post("/admin/sufficiency/user/", data)
    assert response.status_code == 403
    assert User.objects.count() == count


def test_delete_of_an_in_scope_user_is_refused(norfolk_admin, in_scope):
    client = client_for(norfolk_admin)
    assert client.post(f"/admin/sufficiency/user/{in_scope.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=in_scope.pk).exists()


# ---- in scope: only grantable roles and own authorities ---------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"groups": [DATA_ADMIN]}, "groups"),
        ({"groups": [COMMISSIONER, DATA_ADMIN]}, "groups"),
        ({"local_authorities": [NORFOLK, DEMO]}, "local_authorities"),
        ({"local_authorities": [DEMO]}, "local_authorities"),
        ({"local_authorities": []}, "local_authorities"),
    ],
)
def test_posting_roles_or_authorities_beyond_the_admins_own_is_refused(
    norfolk_admin, in_scope, overrides, field
):
    before = snapshot(in_scope)
    data = change_data(in_scope)
    if "groups" in overrides:
        data["groups"] = [group_pk(name) for name in overrides["groups"]]
    if "local_authorities" in overrides:
        data["local_authorities"] = [la_pk(code) for code in overrides["local_authorities"]]
        if not data["local_authorities"]:
            del data["local_authorities"]
    response = client_for(norfolk_admin).post(f"/admin/sufficiency/user/{in_scope.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the error
    assert field in response.context["adminform"].form.errors
    assert snapshot(in_scope) == before


def test_superuser_and_staff_flags_are_not_taken_from_the_post(norfolk_admin, in_scope):
    before = snapshot(in_scope)
    data = change_data(in_scope, is_superuser="on", is_staff="on")
    response = client_for(norfolk_admin).post(f"/admin/sufficiency/user/{in_scope.pk}/change/", data)
    assert response.status_code == 302
    assert snapshot(in_scope) == before


def test_form_offers_only_grantable_roles_and_own_authorities(norfolk_admin, in_scope):
    response = client_for(norfolk_admin).get(f"/admin/sufficiency/user/{in_scope.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        COMMISSIONER,
        LEAD_COMMISSIONER,
        MANAGER,
    }
    assert list(form.fields["local_authorities"].queryset.values_list("code", flat=True)) == [NORFOLK]
    assert form.fields["local_authorities"].required
    for name in ("is_superuser", "is_staff", "user_permissions"):
        assert name not in form.fields


def test_data_admin_manages_an_in_scope_users_teams_and_role(norfolk_admin, in_scope):
    team = Team.objects.get(name="Corporate Parenting")
    data = change_data(
        in_scope,
        first_name="Renamed",
        groups=[group_pk(LEAD_COMMISSIONER)],
        teams=[str(team.pk)],
        local_authorities=[la_pk(NORFOLK)],
    )
    response = client_for(norfolk_admin).post(f"/admin/sufficiency/user/{in_scope.pk}/change/", data)
    assert response.status_code == 302
    after = snapshot(in_scope)
    assert after["first_name"] == "Renamed"
    assert after["groups"] == [LEAD_COMMISSIONER]
    assert after["teams"] == ["Corporate Parenting"]
    assert after["local_authorities"] == [NORFOLK]
    assert not after["is_superuser"] and not after["is_staff"]


def test_data_admin_may_reset_an_in_scope_users_password(norfolk_admin, in_scope):
    response = client_for(norfolk_admin).post(
        f"/admin/sufficiency/user/{in_scope.pk}/password/", password_data()
    )
    assert response.status_code == 302
    assert User.objects.get(username="norfolk-commissioner").check_password(NEW_PASSWORD)


def test_server_refuses_grants_even_past_the_form(norfolk_admin, in_scope):
    """save_model and save_related check again: a form that let extra ids through changes nothing."""
    request = RequestFactory().post("/")
    request.user = norfolk_admin
    model_admin = UserAdmin(User, None)

    class Forged:
        instance = in_scope
        cleaned_data = {
            "groups": Group.objects.filter(name=DATA_ADMIN),
            "local_authorities": LocalAuthority.objects.filter(code__in=[NORFOLK, DEMO]),
        }

    before = snapshot(in_scope)
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, in_scope, Forged(), change=True)
    with pytest.raises(PermissionDenied):
        model_admin.save_related(request, Forged(), [], change=True)
    in_scope.is_staff = True
    Forged.cleaned_data = {}
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, in_scope, Forged(), change=True)
    assert snapshot(in_scope) == before


# ---- history and revert -----------------------------------------------------------------------------------


def test_revert_cannot_restore_an_old_superuser_flag(norfolk_admin, in_scope):
    in_scope.is_superuser = True
    in_scope.is_staff = True
    in_scope.save()
    admin_version = in_scope.history.latest().history_id
    in_scope.is_superuser = False
    in_scope.is_staff = False
    in_scope.save()
    before = snapshot(in_scope)
    url = f"/admin/sufficiency/user/{in_scope.pk}/history/{admin_version}/"
    response = client_for(norfolk_admin).post(url, change_data(in_scope))
    assert response.status_code == 403
    assert snapshot(in_scope) == before


def test_revert_cannot_add_roles_or_authorities(norfolk_admin, in_scope):
    version = in_scope.history.earliest().history_id
    before = snapshot(in_scope)
    data = change_data(in_scope, groups=[group_pk(DATA_ADMIN)], local_authorities=[la_pk(DEMO)])
    response = client_for(norfolk_admin).post(
        f"/admin/sufficiency/user/{in_scope.pk}/history/{version}/", data
    )
    assert response.status_code == 200
    assert {"groups", "local_authorities"} <= set(response.context["adminform"].form.errors)
    assert snapshot(in_scope) == before


def test_revert_of_an_in_scope_user_works(norfolk_admin, in_scope):
    version = in_scope.history.latest().history_id
    in_scope.first_name = "Later"
    in_scope.save()
    client = client_for(norfolk_admin)
    assert client.get(f"/admin/sufficiency/user/{in_scope.pk}/history/").status_code == 200
    url = f"/admin/sufficiency/user/{in_scope.pk}/history/{version}/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url, change_data(in_scope, first_name=page.context["adminform"].form.initial["first_name"])
    )
    assert response.status_code == 302
    assert snapshot(in_scope)["first_name"] == "Norfolk-Commissioner"


# ---- groups and permissions -------------------------------------------------------------------------------


def test_groups_and_permissions_are_out_of_reach(norfolk_admin, make_user, seeded_core):
    data_admin_group = Group.objects.get(name=DATA_ADMIN)
    perms_before = sorted(data_admin_group.permissions.values_list("codename", flat=True))
    for actor in (norfolk_admin, make_user(DATA_ADMIN)):
        client = client_for(actor)
        assert client.get("/admin/auth/group/").status_code == 403
        assert client.get("/admin/auth/group/add/").status_code == 403
        assert client.get(f"/admin/auth/group/{data_admin_group.pk}/change/").status_code == 403
        all_perms = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
        response = client.post(
            f"/admin/auth/group/{data_admin_group.pk}/change/", {"name": DATA_ADMIN, "permissions": all_perms}
        )
        assert response.status_code == 403
        assert client.get("/admin/auth/permission/").status_code == 404  # not in the admin at all
        assert b"/admin/auth/group/" not in client.get("/admin/").content
    assert sorted(data_admin_group.permissions.values_list("codename", flat=True)) == perms_before


# ---- other admin pages ------------------------------------------------------------------------------------


def test_limited_admin_changes_only_their_own_authority(norfolk_admin):
    demo = LocalAuthority.objects.get(code=DEMO)
    norfolk = LocalAuthority.objects.get(code=NORFOLK)
    client = client_for(norfolk_admin)
    data = {"code": demo.code, "dfe_number": demo.dfe_number, "name": "Renamed", "kind": demo.kind}
    assert client.post(f"/admin/sufficiency/localauthority/{demo.pk}/change/", data).status_code == 403
    version = demo.history.earliest().history_id
    url = f"/admin/sufficiency/localauthority/{demo.pk}/history/{version}/"
    assert client.post(url, data).status_code == 403  # the revert form, not only the change form
    assert client.get("/admin/sufficiency/localauthority/add/").status_code == 403
    demo.refresh_from_db()
    assert demo.name != "Renamed"
    assert client.get(f"/admin/sufficiency/localauthority/{norfolk.pk}/change/").status_code == 200


def test_authority_form_cannot_touch_grants(make_user, seeded_core):
    unlimited = make_user(DATA_ADMIN)
    response = client_for(unlimited).get(
        f"/admin/sufficiency/localauthority/{LocalAuthority.objects.get(code=NORFOLK).pk}/change/"
    )
    assert response.status_code == 200
    assert "users" not in response.context["adminform"].form.fields


def test_other_apps_admin_pages_are_closed_to_data_admins(norfolk_admin):
    client = client_for(norfolk_admin)
    for url in ("/admin/priorities/action/", "/admin/flourish/measure/", "/admin/priorities/priority/"):
        assert client.get(url).status_code == 403


# ---- a superuser may do everything ------------------------------------------------------------------------


def test_superuser_can_do_all(superuser, norfolk_admin, make_user, seeded_core):
    other_root = User.objects.create_superuser("root2", "root2@example.org", PASSWORD)
    client = client_for(superuser)
    assert (
        client.post(f"/admin/sufficiency/user/{other_root.pk}/password/", password_data()).status_code == 302
    )
    assert User.objects.get(username="root2").check_password(NEW_PASSWORD)

    data = change_data(norfolk_admin, groups=[group_pk(DATA_ADMIN), group_pk(LEAD_COMMISSIONER)])
    joined = norfolk_admin.date_joined
    data.update(is_staff="on", local_authorities=[la_pk(NORFOLK), la_pk(DEMO)])
    data.update(date_joined_0=joined.strftime("%Y-%m-%d"), date_joined_1=joined.strftime("%H:%M:%S"))
    assert client.post(f"/admin/sufficiency/user/{norfolk_admin.pk}/change/", data).status_code == 302
    after = snapshot(norfolk_admin)
    assert after["groups"] == [DATA_ADMIN, LEAD_COMMISSIONER]
    assert after["is_staff"]
    assert after["local_authorities"] == sorted([NORFOLK, DEMO])

    add = {
        "username": "newcomer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "usable_password": "true",
    }
    assert client.post("/admin/sufficiency/user/add/", add).status_code == 302
    assert User.objects.filter(username="newcomer").exists()
    victim = make_user(MANAGER)
    assert client.post(f"/admin/sufficiency/user/{victim.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=victim.pk).exists()
    assert client.get("/admin/auth/group/").status_code == 200
