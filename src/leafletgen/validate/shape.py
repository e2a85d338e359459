"""Reading a file's data through the content model: every problem with its file, line,
column and key, in words for the person who wrote it, and the parts that are right."""

from __future__ import annotations

import datetime
import types
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ..errors import ProblemList
from ..load import KeyPath, YamlFile
from ..values import PATTERN_MESSAGES, Id

T = TypeVar("T")
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


class Reader:
    """Validates parts of files and keeps the problems of all of them."""

    def __init__(self) -> None:
        self.problems = ProblemList()

    def error(self, file: YamlFile, key_path: KeyPath, message: str) -> None:
        self.problems.items.append(file.problem(key_path, message))

    def unique(self, file: YamlFile, key_path: KeyPath, items: Sequence[str],
               kind: str = "") -> None:
        """Each item of a list once. With `kind`, the items are the ids of a list of
        records (sections, charts), reported at each record's `id`."""
        for index, item in enumerate(items):
            if item in items[:index]:
                where = (*key_path, index, "id") if kind else (*key_path, index)
                self.error(file, where, f"{kind} {item!r} is listed twice".lstrip())

    def read(self, file: YamlFile, kind: type[T] | Any, data: Any,
             key_path: KeyPath = ()) -> T | None:
        """`data` (found at `key_path`) as `kind`, or None with its problems recorded."""
        try:
            value: T = _adapter(kind).validate_python(data)
            return value
        except ValidationError as failure:
            for error in failure.errors():
                where, message = _explain(kind, error)
                self.error(file, (*key_path, *where), message)
            return None

    def read_mapping(self, file: YamlFile, item: type[T], data: Any,
                     key_path: KeyPath = ()) -> dict[str, T]:
        """A mapping of ids to `item`s: every problem recorded, the good items kept."""
        whole = self.read(file, dict[Id, item], data, key_path)  # type: ignore[valid-type]
        if whole is not None:
            return whole
        return partial_mapping(Id, item, data)

    def read_fields(self, file: YamlFile, model: type[BaseModel], data: Any,
                    key_path: KeyPath = ()) -> dict[str, Any]:
        """A model's fields: every problem recorded, and the fields that are right on
        their own kept, a mapping item by item (what checks of other files can use)."""
        whole = self.read(file, model, data, key_path)
        if whole is not None:
            return {name: getattr(whole, name) for name in model.model_fields}
        return partial_fields(model, data)


def quietly(kind: type[T] | Any, data: Any) -> T | None:
    """`data` as `kind`, or None (its problems are reported by `Reader.read`)."""
    try:
        value: T = _adapter(kind).validate_python(data)
        return value
    except ValidationError:
        return None


def partial_mapping(key: Any, item: Any, data: Any) -> dict[str, Any]:
    """The items of a mapping that are right on their own."""
    if not isinstance(data, dict):
        return {}
    return {name: value for name, raw in data.items()
            if quietly(key, name) is not None and (value := quietly(item, raw)) is not None}


def partial_fields(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """The fields of a model that are right on their own, a mapping of ids item by item:
    what checks of other files can still use when a file has mistakes."""
    if not isinstance(data, dict):
        return {}
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        kind = info.annotation
        if get_origin(kind) is dict:
            key, item = get_args(kind)
            fields[name] = partial_mapping(key, item, data[name])
        elif (value := quietly(info.rebuild_annotation(), data[name])) is not None:
            fields[name] = value
    return fields


def _explain(kind: Any, error: ErrorDetails) -> tuple[KeyPath, str]:
    """Where a pydantic error is, and what it means to a person writing YAML."""
    loc: KeyPath = tuple(part for part in error["loc"] if part != "[key]")
    kind_of_error = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind_of_error == "missing":
        return loc[:-1], f"missing key {loc[-1]!r}"
    if kind_of_error == "extra_forbidden":
        allowed = sorted(_model_at(kind, loc[:-1]) or ())
        return loc, f"unknown key (allowed here: {', '.join(allowed) or 'none'})"
    if value is None and kind_of_error != "value_error":
        return loc, "is empty: give it a value"
    if kind_of_error == "value_error":
        return loc, str(context.get("error", error["msg"]))
    if kind_of_error == "string_pattern_mismatch":
        return loc, PATTERN_MESSAGES.get(context.get("pattern", ""), error["msg"])
    if kind_of_error == "finite_number":
        return loc, f"must be a finite number, not {value}"
    if kind_of_error == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        return loc, f"must be {expected}, not {kind_of(value)}"
    if kind_of_error in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "at least", "greater_than": "more than",
                 "less_than_equal": "at most", "less_than": "less than"}[kind_of_error]
        limit = next(iter(context.values()))
        return loc, f"must be {bound} {limit:g}, not {value}"
    messages = {
        "string_type": "must be non-empty text",
        "string_too_short": "must be non-empty text",
        "model_type": "must be a mapping of keys",
        "model_attributes_type": "must be a mapping of keys",
        "dict_type": "must be a mapping of keys",
        "tuple_type": "must be a list",
        "list_type": "must be a list",
        "too_short": "must list at least one",
        "bool_type": "must be true or false",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number",
        "date_type": "must be a date written as YYYY-MM-DD",
        "date_parsing": "must be a date written as YYYY-MM-DD",
        "date_from_datetime_inexact": "must be a date written as YYYY-MM-DD",
    }
    if kind_of_error in messages:
        if kind_of_error.startswith("date"):
            return loc, messages[kind_of_error]
        return loc, f"{messages[kind_of_error]}, not {kind_of(value)}"
    return loc, str(error["msg"])


def _model_at(kind: Any, loc: KeyPath) -> set[str] | None:
    """The keys the model found at `loc` inside `kind` allows."""
    for part in (*loc, None):
        kind = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if part is None:
                return set(kind.model_fields)
            field = kind.model_fields.get(str(part))
            if field is None:
                return None
            kind = field.annotation
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        elif get_origin(kind) in (tuple, list):
            kind = get_args(kind)[0]
        else:
            return None
    return None


def _unwrap(kind: Any) -> Any:
    """The type inside Annotated[...] and X | None."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind = get_args(kind)[0]
        elif origin in (Union, types.UnionType):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
        else:
            return kind


def kind_of(value: Any) -> str:
    """A value in words, for a message."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    return {dict: "a mapping", list: "a list", bool: "true/false", int: "a number",
            float: "a number", datetime.date: "a date"}.get(type(value), type(value).__name__)
