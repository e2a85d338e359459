"""The names of a project's files and folders, known in one place."""

from __future__ import annotations

PROJECT_FILE = "project.yaml"
ENTRIES_FILE = "entries.yaml"
STATISTICS_FILE = "statistics.yaml"
SOURCES_FILE = "sources.yaml"
TEXT_DIR = "text"  # text/<language>.yaml
TEMPLATE_DIR = "templates"
FONT_DIR = "fonts"
IMAGE_DIR = "images"  # the logo and pictures a project prints
SCHEMA_DIR = "schemas"  # the JSON Schemas content files name in their first line
