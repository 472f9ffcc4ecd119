"""Talking to the service and checking each answer against docs/openapi.yaml: the helpers
test_openapi.py and test_sign_in.py share."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import jsonschema


@dataclass
class Answer:
    status: int
    headers: dict
    raw: bytes

    @property
    def json(self):
        return json.loads(self.raw)


def send(service, method: str, path: str, token: str | None = None, body=None, *, content_type="application/json",
         headers: dict | None = None) -> Answer:
    data = None
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if content_type:
            sent["Content-Type"] = content_type
    elif method in ("POST", "PATCH", "PUT"):
        data = b""
    request = urllib.request.Request(service.url(path), data=data, method=method, headers=sent)
    try:
        with _NOT_FOLLOWING.open(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to check (the sign-in page's 302), not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


_NOT_FOLLOWING = urllib.request.build_opener(_KeepRedirects)


def template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")


@dataclass
class Conformance:
    """Checks answers against the document and records which operations and statuses were seen."""

    document: dict
    seen: set = field(default_factory=set)

    def __post_init__(self):
        self.templates = [(template_pattern(t), t) for t in self.document["paths"]]

    def template(self, path: str) -> str | None:
        path = path.split("?")[0]
        matches = [t for pattern, t in self.templates if pattern.match(path)]
        # The most specific template: the most literal characters.
        return max(matches, key=lambda t: len(re.sub(r"\{[^}]+\}", "", t)), default=None)

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            *_, kind, name = node["$ref"].split("/")
            node = self.document["components"][kind][name]
        return node

    def validate(self, instance, schema: dict, what: str):
        root = {**schema, "components": self.document["components"]}
        validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        assert not errors, f"{what}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

    def check(self, method: str, path: str, answer: Answer) -> Answer:
        template = self.template(path)
        assert template, f"{method} {path}: no path in the document matches"
        operation = self.document["paths"][template].get(method.lower())
        assert operation, f"{method} {path}: {template} documents no {method}"
        what = f"{method} {template} -> {answer.status}"
        assert str(answer.status) in operation["responses"], f"{what}: status not documented ({answer.raw[:300]!r})"
        response = self.resolve(operation["responses"][str(answer.status)])
        for name, header in response.get("headers", {}).items():
            header = self.resolve(header)
            value = answer.headers.get(name.lower())
            if header.get("required"):
                assert value is not None, f"{what}: header {name} missing"
            if value is not None:
                self.validate(value, header["schema"], f"{what} header {name}")
        content = response.get("content")
        if content is None:
            assert answer.raw == b"", f"{what}: documented without a body, sent {answer.raw[:200]!r}"
        else:
            media_type = answer.headers.get("content-type", "").split(";")[0].strip()
            assert media_type in content, f"{what}: content type {answer.headers.get('content-type')!r} not documented"
            body = answer.raw.decode() if media_type == "text/html" else answer.json
            self.validate(body, content[media_type]["schema"], what)
        self.seen.add((template, method.lower(), answer.status))
        return answer
