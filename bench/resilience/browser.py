"""A minimal browser over ``http.client``: one connection, cookies, timings.

Each respondent gets its own ``Browser``, as each person has their own
browser: a keep-alive connection, a cookie jar (Django's CSRF cookie)
and a record of every exchange, so that latencies and errors can be
counted per kind of request afterwards. Redirects are not followed; the
journey follows them explicitly, so each one is timed and checked.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# A keep-alive connection the server closed while idle fails this way on
# reuse; browsers then retry once on a new connection, and so do we.
STALE_CONNECTION = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
)


@dataclass(frozen=True)
class Exchange:
    """One request and what came back; status 0 means no response."""

    kind: str
    method: str
    status: int
    started: float
    elapsed_ms: float
    error: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.elapsed_ms / 1000


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    set_cookies: tuple[str, ...] = ()
    error: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        """The redirect target's path."""
        return urlsplit(self.headers.get("location", "")).path

    def csrf_token(self) -> str:
        match = CSRF_FIELD.search(self.text)
        if match is None:
            raise ValueError("the page has no CSRF token")
        return match.group(1)


@dataclass
class Browser:
    host: str
    port: int
    timeout: float = 30
    exchanges: list[Exchange] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    reconnects: int = 0
    _connection: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def get(
        self, path: str, kind: str, headers: dict[str, str] | None = None
    ) -> Response:
        return self.request("GET", path, kind, headers=headers)

    def post(
        self,
        path: str,
        kind: str,
        fields: list[tuple[str, str]],
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = urlencode(fields).encode()
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            # Django compares the Origin header with the host, as a browser
            # would send it.
            "Origin": self.origin,
            **(headers or {}),
        }
        return self.request("POST", path, kind, body=body, headers=sent)

    def request(
        self,
        method: str,
        path: str,
        kind: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"User-Agent": "resilience-bench", "Accept": "text/html"}
        sent.update(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        try:
            response = self._send(method, path, body, sent)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            failed = Response(0, {}, b"", error=f"{type(error).__name__}: {error}")
            self._record(kind, method, failed, started)
            return failed
        self._keep_cookies(response)
        self._record(kind, method, response, started)
        return response

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> Response:
        reused = self._connection is not None
        try:
            return self._exchange(method, path, body, headers)
        except STALE_CONNECTION:
            if not reused:
                raise
            self.close()
            self.reconnects += 1
            return self._exchange(method, path, body, headers)

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> Response:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        self._connection.request(method, path, body=body, headers=headers)
        raw = self._connection.getresponse()
        content = raw.read()
        received = {name.lower(): value for name, value in raw.getheaders()}
        cookies = raw.msg.get_all("Set-Cookie") or []
        if raw.will_close:
            self.close()
        return Response(raw.status, received, content, tuple(cookies))

    def _keep_cookies(self, response: Response) -> None:
        for header in response.set_cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def _record(
        self, kind: str, method: str, response: Response, started: float
    ) -> None:
        elapsed = (time.monotonic() - started) * 1000
        self.exchanges.append(
            Exchange(kind, method, response.status, started, elapsed, response.error)
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
