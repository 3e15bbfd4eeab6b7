from __future__ import annotations

import pytest

from kampung.fridges.models import Fridge


@pytest.fixture
def fridge(cast) -> Fridge:
    """The demo's 24-hour void-deck fridge, with Vijay (the volunteer) on its rota."""
    return Fridge.objects.select_related("asset", "community").get(
        community=cast.community, asset__name="Block 12 void deck fridge"
    )


@pytest.fixture
def pantry(cast) -> Fridge:
    return Fridge.objects.select_related("asset", "community").get(
        community=cast.community, asset__name="Community centre pantry"
    )


@pytest.fixture(autouse=True)
def _community_time(cast):
    """Days as the community counts them (the demo's rota is in its local days), as every
    request of the community's pages does."""
    from django.utils import timezone

    cast.community.use_local_time()
    yield
    timezone.deactivate()
