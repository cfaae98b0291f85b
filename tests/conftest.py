import pytest
from django.db import connection


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Leave out the tests that need PostgreSQL when the suite runs on
    SQLite; CI runs the suite on both, so each of them runs there."""
    if connection.vendor == "postgresql":
        return
    left_out = [item for item in items if "postgresql" in item.keywords]
    config.hook.pytest_deselected(items=left_out)
    items[:] = [item for item in items if item not in left_out]


@pytest.fixture(autouse=True)
def background_tasks_are_only_recorded(settings):
    """Tasks enqueued by a test are recorded, not run: a submission would
    otherwise render a PDF report inside every test that submits. Report
    tests switch to the immediate backend where they need the work done."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
