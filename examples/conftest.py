"""Load the mock's pytest plugin: it provides the ``orchestration_mock`` fixture."""

pytest_plugins = ["mockserver.testing"]
