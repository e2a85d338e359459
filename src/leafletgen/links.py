"""`check --links`: does every address a QR code or the page footer sends readers to
still answer? Dead links on paper cannot be fixed after printing."""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from . import __version__
from .model import Project

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


@dataclass(frozen=True)
class LinkResult:
    url: str
    used_by: tuple[str, ...]  # where the address is printed: "source criminal-code", ...
    status: int | None  # the final HTTP status; None when no answer came
    final_url: str  # after redirects
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def describe(self) -> str:
        where = ", ".join(self.used_by)
        if self.ok:
            moved = f" (redirects to {self.final_url})" if self.final_url != self.url else ""
            return f"ok {self.status}: {self.url}{moved} [{where}]"
        reason = f"HTTP {self.status}" if self.status is not None else self.error
        return f"dead: {self.url}: {reason} [{where}]"


def printed_links(project: Project) -> dict[str, list[str]]:
    """Every address the leaflets send readers to, with where each is used."""
    links: dict[str, list[str]] = {project.organisation.website: ["website"]}
    for leaflet in project.leaflets.values():
        if not leaflet.qr.sources:
            continue
        for source in project.cited_sources(leaflet):
            used = links.setdefault(source.url, [])
            if f"source {source.id}" not in used:
                used.append(f"source {source.id}")
    return links


def _request(url: str, method: str, timeout: float) -> Any:
    # Letters outside ASCII in a path or query go as percent-encoded UTF-8, as a phone
    # sends them (the host is plain ASCII: validation sees to that).
    request = urllib.request.Request(
        urllib.parse.quote(url, safe=_URL_SAFE), method=method,
        headers={"User-Agent": f"leafletgen/{__version__} (link check)"})
    return urllib.request.urlopen(request, timeout=timeout)  # follows redirects


def check_link(url: str, used_by: tuple[str, ...], timeout: float) -> LinkResult:
    for method in ("HEAD", "GET"):  # some servers refuse HEAD
        try:
            with _request(url, method, timeout) as response:
                final = response.geturl()
                unmoved = final == urllib.parse.quote(url, safe=_URL_SAFE)
                return LinkResult(url, used_by, response.status, url if unmoved else final)
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return LinkResult(url, used_by, error.code, error.geturl() or url)
        except TimeoutError:
            return LinkResult(url, used_by, None, url, f"no answer within {timeout:g} s")
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError | socket.timeout):
                return LinkResult(url, used_by, None, url, f"no answer within {timeout:g} s")
            return LinkResult(url, used_by, None, url, f"cannot connect: {reason}")
    raise AssertionError("unreachable")


def check_links(project: Project, timeout: float = 5.0) -> list[LinkResult]:
    links = printed_links(project)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(lambda item: check_link(item[0], tuple(item[1]), timeout),
                           links.items())
        return list(results)
