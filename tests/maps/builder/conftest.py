import pytest

from maps.builder import build_map
from tests.maps.seed import seed_map_input


@pytest.fixture
def seed_map():
    return build_map(seed_map_input())
