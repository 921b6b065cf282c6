"""Fixtures shared by the placements tests."""

import pytest

from sufficiency.models import LocalAuthority


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and error reports under this test's own folder (a module asks for it in `pytestmark`)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def norfolk(seeded_core):
    return LocalAuthority.objects.get(code="E10000020")
