"""Where each translation stands, and what a leaflet prints when one is not ready.

Every translated entry records the fingerprint of the source text it was made from
(`translated_from:` in the language file). When the source changes, its fingerprint
changes, and every translation made from the old text is outdated at once: nobody has to
remember to flag them. A missing or outdated entry is printed from a fallback language
instead, visibly, and the leaflet becomes a draft.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal, get_args

from .errors import Problem
from .model import EntryText, LanguageText, Leaflet, Project

# Statuses of one entry in one language, best first.
EntryStatus = Literal["source", "reviewed", "unreviewed", "outdated", "missing"]
STATUSES: tuple[EntryStatus, ...] = get_args(EntryStatus)
SOURCE, REVIEWED, UNREVIEWED, OUTDATED, MISSING = STATUSES
# Statuses whose text is not printed: the fallback language's is.
NOT_PRINTABLE: tuple[EntryStatus, ...] = (OUTDATED, MISSING)
# What keeps a leaflet in a language from print, in a word.
BlockerKind = Literal["not reviewed", "outdated", "not translated"]


def fingerprint(text: EntryText) -> str:
    """A short fingerprint of an entry's source text; whitespace changes do not count."""
    normalised = "\n".join(" ".join(part.split()) for part in (text.question, text.answer))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


def source_language(project: Project) -> LanguageText:
    return project.languages[project.organisation.source_language]


def entry_status(project: Project, code: str, entry_id: str) -> EntryStatus:
    language = project.languages[code]
    if language.is_source:
        return SOURCE
    text = language.entries.get(entry_id)
    if text is None:
        return MISSING
    if text.translated_from != fingerprint(source_language(project).entries[entry_id]):
        return OUTDATED
    return REVIEWED if text.reviewed else UNREVIEWED


@dataclass(frozen=True)
class PrintedEntry:
    """The text a leaflet prints for an entry, and in which language it really is."""

    text: EntryText
    language: LanguageText
    status: EntryStatus  # the status of the entry in the leaflet's own language

    @property
    def is_fallback(self) -> bool:
        return self.status in NOT_PRINTABLE


def printed_entry(project: Project, code: str, entry_id: str) -> PrintedEntry:
    """The entry's own translation if it is up to date, else the first language of the
    fallback chain (the language's `fallback:`, then the source language) that has it."""
    status = entry_status(project, code, entry_id)
    if status not in NOT_PRINTABLE:
        language = project.languages[code]
        return PrintedEntry(language.entries[entry_id], language, status)
    chain = [project.languages[code].fallback, project.organisation.source_language]
    for candidate in chain:
        if candidate and candidate in project.languages and entry_status(
                project, candidate, entry_id) not in NOT_PRINTABLE:
            language = project.languages[candidate]
            return PrintedEntry(language.entries[entry_id], language, status)
    raise AssertionError("the source language has every entry (validated)")


@dataclass(frozen=True)
class Blocker:
    """One reason a leaflet in one language is a draft, located for the report."""

    language: str
    entry: str | None  # None: the file's labels and titles
    reason: str
    kind: BlockerKind

    def __str__(self) -> str:
        where = f"entry {self.entry}" if self.entry else "labels and titles"
        return f"{self.language}: {where}: {self.reason}"


_REASONS: dict[EntryStatus, str] = {
    UNREVIEWED: "translation not reviewed",
    OUTDATED: "source text changed since it was translated",
    MISSING: "not translated",
}
_KINDS: dict[EntryStatus, BlockerKind] = {
    UNREVIEWED: "not reviewed", OUTDATED: "outdated", MISSING: "not translated"}


def blockers(project: Project, leaflet: Leaflet, code: str) -> list[Blocker]:
    """Everything that makes this leaflet in this language a draft (empty: it is final)."""
    found = []
    for language_code in (code, *([leaflet.companion] if leaflet.companion else [])):
        language = project.languages[language_code]
        if language.is_source:
            continue
        if not language.reviewed:
            found.append(Blocker(language_code, None, _REASONS[UNREVIEWED], "not reviewed"))
        for entry_id in leaflet.entry_ids:
            entry = printed_entry(project, language_code, entry_id)
            if entry.status in _REASONS:
                reason = _REASONS[entry.status]
                own = language.entries.get(entry_id)
                if entry.status == OUTDATED and own is not None and own.translated_from is None:
                    reason = _NO_FINGERPRINT
                if entry.is_fallback:
                    reason += f"; printed in {entry.language.name} ({entry.language.code})"
                found.append(Blocker(language_code, entry_id, reason, _KINDS[entry.status]))
    return found


# A translation that does not say which source text it was made from (a copied file):
# it cannot be known to be current, so it is treated as outdated.
_NO_FINGERPRINT = ("it does not say which source text it was translated from: add "
                   "translated_from (leafletgen status --entries gives it)")


def describe_blockers(found: list[Blocker]) -> str:
    """Blockers said once per kind: `not reviewed: the labels and titles, 7 entries;
    not translated: 3 entries (printed in a fallback language)`."""
    kinds: dict[BlockerKind, set[str | None]] = {}
    for blocker in found:
        kinds.setdefault(blocker.kind, set()).add(blocker.entry)
    parts = []
    for kind, entries in kinds.items():
        named = [entry for entry in entries if entry]
        what = ", ".join((["the labels and titles"] if None in entries else [])
                         + ([f"{len(named)} entr{'y' if len(named) == 1 else 'ies'}"]
                            if named else []))
        fallback = " (printed in a fallback language)" if kind != "not reviewed" else ""
        parts.append(f"{kind}: {what}{fallback}")
    return "; ".join(parts)


def blocker_kinds(found: list[Blocker]) -> set[BlockerKind]:
    """The kinds of what blocks: not reviewed, outdated, not translated."""
    return {blocker.kind for blocker in found}


def final_problems(project: Project, pairs: list[tuple[Leaflet, str]]) -> list[Problem]:
    """For `build --final`: every blocker of every selected leaflet, at its place in the
    language file, so the coordinator sees exactly what to review or translate."""
    problems = []
    for leaflet, code in pairs:
        for blocker in blockers(project, leaflet, code):
            language = project.languages[blocker.language]
            key = f"entries.{blocker.entry}" if blocker.entry else "status"
            line = language.line(key) or language.line("entries" if blocker.entry else "")
            message = f"{leaflet.id} in {code} cannot be final: {blocker.reason}"
            if blocker.entry and blocker.reason.startswith(_NO_FINGERPRINT):
                current = fingerprint(source_language(project).entries[blocker.entry])
                message += f" (the current source text's is {current})"
            elif blocker.entry and blocker.reason.startswith(_REASONS[OUTDATED]):
                current = fingerprint(source_language(project).entries[blocker.entry])
                message += (f" (once the translation matches the source again, set "
                            f"translated_from: {current})")
            problems.append(Problem(language.file, line, key, message))
    return problems


def status_counts(project: Project, leaflet: Leaflet, code: str) -> dict[EntryStatus, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for entry_id in leaflet.entry_ids:
        counts[entry_status(project, code, entry_id)] += 1
    return counts


def translation_report(project: Project) -> list[dict[str, Any]]:
    """A row per leaflet and language: entries per status, whether it can be final, and
    what blocks it. The `status` command prints it; `--json` gives it to scripts."""
    rows = []
    for leaflet in project.leaflets.values():
        for code in leaflet.languages:
            found = blockers(project, leaflet, code)
            rows.append({
                "leaflet": leaflet.id,
                "language": code,
                "entries": status_counts(project, leaflet, code),
                "final": not found,
                "why": describe_blockers(found),
                "blockers": [
                    {"language": b.language, "entry": b.entry, "reason": b.reason,
                     # What `translated_from:` must say once the translation is current.
                     "source_fingerprint": fingerprint(
                         source_language(project).entries[b.entry]) if b.entry else None}
                    for b in found
                ],
            })
    return rows


def unused_language_problems(project: Project) -> list[Problem]:
    """Language files no leaflet is made in: a copied file the coordinator expects to see
    built, while every leaflet lists its languages without it."""
    used = {code for leaflet in project.leaflets.values()
            for code in (*leaflet.languages, leaflet.companion) if code}
    listed = [leaflet.id for leaflet in project.leaflets.values()]
    return [Problem(language.file, None, "", f"no leaflet is made in {code}: add {code} to "
                    f"the `languages:` of the leaflets it is for in project.yaml "
                    f"({', '.join(listed)})")
            for code, language in project.languages.items() if code not in used]
