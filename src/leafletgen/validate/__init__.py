"""Stage 2, validate: the loaded files of a project folder -> one typed `Project`.

Each file is read through the content model (content.py), then checked against the
others. Every check runs, and every problem is reported at once with its file, line,
column and key. By what they check:
- shape.py: the content model's types, in words for the person who wrote the file;
- records.py: sources, statistics and entries, kept by id;
- leaflets.py: project.yaml, and the files each leaflet names;
- texts.py: the language files, their placeholders, and the words each leaflet needs.
"""

from __future__ import annotations

from pathlib import Path

from ..filenames import FONT_DIR, TEMPLATE_DIR, TEXT_DIR
from ..load import LoadedProject, load_project
from ..model import Project
from ..resources import builtin_dir
from . import leaflets, records, texts
from .shape import Reader

__all__ = ["load_project", "validate"]


def validate(loaded: LoadedProject) -> Project:
    """Check a loaded project and build its model; raise ContentError with every problem."""
    reader = Reader()
    settings = leaflets.ProjectSettings(reader, loaded.project)
    sources = records.sources(reader, loaded.sources)
    known_sources = records.declared(loaded.sources)
    entries = records.entries(reader, loaded.entries, known_sources)
    statistics = records.statistics(reader, loaded.statistics, known_sources)
    source_language = settings.source_language
    font_stacks = settings.font_stacks(reader, loaded.texts)
    languages = {
        code: language
        for code, file in loaded.texts.items()
        if (language := texts.language(reader, code, file, source_language, entries,
                                       font_stacks.get(code))) is not None
    }
    if settings.organisation is not None and source_language not in loaded.texts:
        reader.error(loaded.project, ("organisation", "source_language"),
                     f"no language file {TEXT_DIR}/{source_language}.yaml for the source language")
    root = loaded.root
    # The user's folders first, then the built-ins: a project may override any template.
    template_dirs = _existing(root / TEMPLATE_DIR, builtin_dir("templates"))
    made = leaflets.leaflets(reader, settings, loaded, entries, statistics, template_dirs)
    for leaflet in made.values():
        texts.translations_complete(reader, leaflet, languages, loaded.texts)
        texts.phrases_given(reader, leaflet, entries, languages, loaded,
                            settings.organisation)
        texts.pictures_described(reader, leaflet, entries,
                                 languages.get(source_language or ""), loaded.texts)
    texts.placeholders_kept(reader, loaded.texts, languages, entries, source_language,
                            records.declared(loaded.statistics))
    reader.problems.raise_if_any()
    assert settings.organisation is not None
    return Project(
        root=root,
        organisation=settings.organisation,
        sources=sources,
        entries=entries,
        languages=languages,
        leaflets=made,
        template_dirs=template_dirs,
        font_dirs=_existing(root / FONT_DIR, builtin_dir("fonts")),
        statistics=statistics,
        statistics_max_age_days=settings.max_age_days,
        brand=settings.brand,
    )


def _existing(*dirs: Path) -> tuple[Path, ...]:
    return tuple(d for d in dirs if d.is_dir())
