"""Microsoft's Graph SDKs pointed at a local phone-service with a static bearer token.

No Azure identity library: a small `AccessTokenProvider` hands the SDK the token that
`phone-service token` minted. Everything else is the SDK as shipped, with its default middleware
(retry, redirect, URL replacement for /me, user agent, telemetry): none of it refuses plain http
or a non-Graph host. Two things make a local service work:

- `request_adapter.base_url` is set *before* `GraphServiceClient(request_adapter=...)` is built:
  the client copies it into every request builder's `baseurl` path parameter.
- the token provider's `AllowedHostsValidator` names the service's host (127.0.0.1); kiota's
  bearer provider asks the token provider for a token only for allowed hosts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)


class StaticTokenProvider(AccessTokenProvider):
    """Returns one fixed token for requests to the allowed hosts, nothing for others."""

    def __init__(self, token: str, hosts: list[str]) -> None:
        self.token = token
        self.validator = AllowedHostsValidator(hosts)

    async def get_authorization_token(self, uri: str, additional_authentication_context: dict[str, Any] = {}) -> str:
        if not self.validator.is_url_host_valid(uri):
            return ""
        return self.token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self.validator


def _auth(base_url: str, token: str) -> BaseBearerTokenAuthenticationProvider:
    host = urlparse(base_url).hostname or "127.0.0.1"
    return BaseBearerTokenAuthenticationProvider(StaticTokenProvider(token, [host]))


def v1_client(base_url: str, token: str):
    """msgraph-sdk's GraphServiceClient for `http://HOST:PORT/v1.0`."""
    from msgraph import GraphRequestAdapter, GraphServiceClient

    adapter = GraphRequestAdapter(_auth(base_url, token))
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


def beta_client(base_url: str, token: str):
    """msgraph-beta-sdk's GraphServiceClient for `http://HOST:PORT/beta`."""
    from msgraph_beta import GraphRequestAdapter, GraphServiceClient

    adapter = GraphRequestAdapter(_auth(base_url, token))
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)
