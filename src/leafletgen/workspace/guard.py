"""Who may use the workspace, and which files a URL may name.

- Whatever address it listens on, a request needs a session: the URL `leafletgen serve`
  prints carries a token, which the first visit trades for a session cookie (HttpOnly,
  SameSite=Strict), so the token leaves the address bar at once.
- The Host header must name the address it listens on, so that a web page cannot reach it
  through a DNS name of its own pointing at 127.0.0.1 (DNS rebinding).
- A form is taken only with its session's CSRF token, and never from another origin.
- A path from a URL is resolved inside one folder, links followed, and refused otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp

SESSION_COOKIE = "leafletgen_session"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Every answer: nothing from elsewhere runs, nothing frames the pages, no address leaks.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
                               "form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: with it a browser sends its forms with `Origin: null`.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class Guard:
    token: str
    hosts: frozenset[str]  # what the Host header may say
    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _sessions: set[str] = field(default_factory=set)

    @classmethod
    def for_address(cls, host: str, port: int, token: str | None = None) -> Guard:
        names = {host, *(LOOPBACK if host in LOOPBACK else ())}
        hosts = {f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in names}
        return cls(token or secrets.token_urlsafe(24), frozenset(hosts))

    def open_session(self) -> str:
        session = secrets.token_urlsafe(24)
        self._sessions.add(session)
        return session

    def has_session(self, session: str | None) -> bool:
        return session is not None and session in self._sessions

    def csrf_token(self, session: str) -> str:
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    def form_allowed(self, session: str, token: object) -> bool:
        return isinstance(token, str) and hmac.compare_digest(token, self.csrf_token(session))


class GuardMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, guard: Guard):
        super().__init__(app)
        self.guard = guard

    async def dispatch(self, request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await self._answer(request, call_next)
        response.headers.update(SECURITY_HEADERS)
        return response

    async def _answer(self, request: Request,
                      call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = request.headers.get("host", "")
        if host not in self.guard.hosts:
            answers_at = " or ".join(sorted(self.guard.hosts))
            return PlainTextResponse(f"this workspace answers at {answers_at} only",
                                     status_code=421)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            if (origin is not None and origin != f"{request.url.scheme}://{host}") \
                    or request.headers.get("sec-fetch-site") == "cross-site":
                return PlainTextResponse("refused: a form from another site", status_code=403)
        token = request.query_params.get("token")
        if token is not None and request.method == "GET" \
                and hmac.compare_digest(token, self.guard.token):
            response = RedirectResponse(request.url.path, status_code=303)
            response.set_cookie(SESSION_COOKIE, self.guard.open_session(), httponly=True,
                                samesite="strict")
            return response
        session = request.cookies.get(SESSION_COOKIE)
        if not self.guard.has_session(session):
            return PlainTextResponse("open the address that `leafletgen serve` printed (it "
                                     "carries the workspace's token)", status_code=401)
        request.state.session = session
        request.state.csrf = self.guard.csrf_token(session or "")
        return await call_next(request)


async def checked_form(request: Request) -> FormData:
    """The form a POST carries, refused (403) without its session's CSRF token."""
    form = await request.form()
    guard: Guard = request.app.state.guard
    if not guard.form_allowed(request.state.session, form.get("csrf")):
        raise HTTPException(403, "refused: the form has no valid CSRF token; reload the page")
    return form


def inside(root: Path, relative: str) -> Path | None:
    """The regular file `relative` names under `root`, or None: refused when it resolves
    (`..` and links followed; an absolute path replaces `root`) outside `root`, or is not a
    regular file (a FIFO would hang the answer)."""
    if not relative or "\0" in relative or "\\" in relative:
        return None
    base = root.resolve()
    try:
        resolved = (base / PurePosixPath(relative)).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(base) or not resolved.is_file():
        return None
    return resolved
