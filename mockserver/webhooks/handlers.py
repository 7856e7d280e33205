"""The webhooks API's handlers by operationId, thin: read the request, call the service, answer.

The release decodes request bodies and query strings itself (``pkg/server/helpers.go``,
``pkg/server/get.go``), so the handlers hand the service the raw body, the raw query and the
``Content-Type`` as sent (``core.requestctx``), not what Connexion parsed. Successes are 200,
some with no body (update, delete: ``pkg/server/update.go:33-34``, ``delete.go:18-19``); a 500
of the release's is answered with no body, as ``apierrors.ResponseError`` writes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from mockserver.core.bound import ServiceHandlers
from mockserver.core.requestctx import request_body, request_header, request_query
from mockserver.webhooks.errors import Unanswered
from mockserver.webhooks.service import WebhooksService

Reply = tuple[Any, int]


def _unanswered(handler: Callable[..., Awaitable[Reply]]) -> Callable[..., Awaitable[Reply]]:
    @wraps(handler)
    async def answer(*args: Any, **kwargs: Any) -> Reply:
        try:
            return await handler(*args, **kwargs)
        except Unanswered:
            return None, 500

    return answer


class WebhooksApi(ServiceHandlers[WebhooksService]):
    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "getWebhooksServerInfo": self.get_info,
            "getManyConfigs": self.get_many_configs,
            "insertConfig": self.insert_config,
            "updateConfig": self.update_config,
            "deleteConfig": self.delete_config,
            "testConfig": self.test_config,
            "activateConfig": self.activate_config,
            "deactivateConfig": self.deactivate_config,
            "changeConfigSecret": self.change_config_secret,
        }

    async def get_info(self) -> Reply:
        return self._s.server_info(), 200

    @_unanswered
    async def get_many_configs(self, id_: str | None = None, endpoint: str | None = None) -> Reply:
        return self._s.list_configs(request_query()), 200

    @_unanswered
    async def insert_config(self, body: Any = None) -> Reply:
        return self._s.insert_config(request_body(), request_header("content-type")), 200

    @_unanswered
    async def update_config(self, id_: str, body: Any = None) -> Reply:
        self._s.update_config(id_, request_body(), request_header("content-type"))
        return None, 200

    @_unanswered
    async def delete_config(self, id_: str) -> Reply:
        self._s.delete_config(id_)
        return None, 200

    @_unanswered
    async def test_config(self, id_: str) -> Reply:
        return await self._s.test_config(id_), 200

    @_unanswered
    async def activate_config(self, id_: str, body: Any = None) -> Reply:
        return self._s.set_active(id_, True), 200

    @_unanswered
    async def deactivate_config(self, id_: str, body: Any = None) -> Reply:
        return self._s.set_active(id_, False), 200

    @_unanswered
    async def change_config_secret(self, id_: str, body: Any = None) -> Reply:
        return self._s.change_secret(id_, request_body(), request_header("content-type")), 200
