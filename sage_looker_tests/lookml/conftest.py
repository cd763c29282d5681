import pytest

from sage_looker_tests.dbt.support import Built, build_synthetic


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_synthetic(tmp_path_factory)
