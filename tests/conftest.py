import pytest


@pytest.fixture(autouse=True)
def background_tasks_are_only_recorded(settings):
    """Tasks enqueued by a test are recorded, not run: a submission would
    otherwise render a PDF report inside every test that submits. Report
    tests switch to the immediate backend where they need the work done."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
