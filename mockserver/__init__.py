"""A stateful, in-memory mock of the Formance orchestration v1 API, served from its OpenAPI spec."""

from mockserver.config import Settings

__all__ = ["Settings"]
