"""What every page's template is given (sufficiency/context_processors.py)."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve

from sufficiency.context_processors import portal
from sufficiency.roles import DATA_ADMIN, MANAGER
from tests.factories import UserFactory


def _request(path="/", user=None):
    request = RequestFactory().get(path)
    request.user = user if user is not None else AnonymousUser()
    request.resolver_match = resolve(path)
    return request


def test_a_signed_in_users_roles_and_data_link(db, settings):
    settings.FEEDBACK_EMAIL = "portal-feedback@example.org"
    admin = portal(_request(user=UserFactory(role=DATA_ADMIN)))
    assert admin["user_roles"] == [DATA_ADMIN] and admin["can_manage_data"] is True
    assert admin["service_name"] == settings.SERVICE_NAME
    assert admin["feedback_email"] == "portal-feedback@example.org"
    manager = portal(_request(user=UserFactory(role=MANAGER)))
    assert manager["user_roles"] == [MANAGER] and manager["can_manage_data"] is False


def test_anonymous_and_unrouted_requests(db):
    context = portal(_request())
    assert context["user_roles"] == [] and context["can_manage_data"] is False
    bare = RequestFactory().get("/nowhere/")
    assert portal(bare)["nav_section"] == "" and portal(bare)["user_roles"] == []


def test_the_navigation_section_is_the_apps_name(db):
    assert portal(_request("/priorities/"))["nav_section"] == "priorities"
    assert portal(_request("/flourish/"))["nav_section"] == "flourish"
