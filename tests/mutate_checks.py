"""Mutation testing of the checks: does any test notice when a check is broken?

    python tests/mutate_checks.py         # verify.py, preflight.py, paper.py, regions.py
    python tests/mutate_checks.py --jobs 2 src/leafletgen/verify.py

Each mutant is one small change to a copy of the repository, made on the syntax tree:
a check function that returns no findings, a finding that is never added, an `if` whose
condition is negated, a comparison turned around (`<` to `>=`, `==` to `!=`, `in` to
`not in`), a `return` of a truth value negated. The tests that exercise verification
(`--tests`) run against each copy and must fail: then the mutant is killed. A mutant
that survives is a change no test can see; the script lists them and exits 1 if one of
them disables a check (the first two kinds). The score is killed / all.
"""

from __future__ import annotations

import argparse
import ast
import copy
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = ["src/leafletgen/verify.py", "src/leafletgen/preflight.py", "src/leafletgen/paper.py",
           "src/leafletgen/regions.py"]
TESTS = ["tests/test_verify.py", "tests/test_preflight.py", "tests/test_tagging.py"]
CHECK_PREFIXES = ("_check", "preflight_problems", "preflight_warnings", "_read_hotlines",
                  "_hotline_runs", "_bar_after", "_unembedded_fonts", "_variant", "_measure_qr",
                  "read", "_percentile", "qr_candidates", "qr_regions")
_SWAPS = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
          ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}


@dataclass(frozen=True)
class Mutant:
    file: str
    line: int
    kind: str  # "no findings", "finding dropped", "condition negated", ...
    description: str
    source: str  # the whole mutated module

    @property
    def disables_a_check(self) -> bool:
        return self.kind in ("no findings", "finding dropped")


def mutants(path: Path) -> Iterator[Mutant]:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    relative = str(path.relative_to(REPO))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    for function in functions:
        checking = function.name.startswith(CHECK_PREFIXES)
        if function.name.startswith("_check") or function.name == "preflight_problems":
            yield _mutant(tree, relative, function, "no findings",
                          f"{function.name} returns []",
                          lambda node, f=function: _replace_body(node, f))
        for node in ast.walk(function):
            if _adds_a_finding(node):
                yield _mutant(tree, relative, node, "finding dropped",
                              f"in {function.name}: {ast.unparse(node)[:70]}",
                              lambda found, n=node: _to_pass(found, n))
            if not checking and function.name != "verify":
                continue
            if isinstance(node, ast.If | ast.IfExp | ast.While):
                yield _mutant(tree, relative, node, "condition negated",
                              f"in {function.name}: not ({ast.unparse(node.test)[:60]})",
                              lambda found, n=node: _negate(found, n))
            if isinstance(node, ast.Compare):
                for index, operator in enumerate(node.ops):
                    if type(operator) in _SWAPS:
                        yield _mutant(tree, relative, node, "comparison swapped",
                                      f"in {function.name}: {ast.unparse(node)[:60]} "
                                      f"({type(operator).__name__} swapped)",
                                      lambda found, n=node, i=index: _swap(found, n, i))


def _adds_a_finding(node: ast.AST) -> bool:
    """`findings.append(...)`, `problems.append(...)`, `findings += ...`."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return isinstance(func, ast.Attribute) and func.attr in ("append", "extend") \
            and isinstance(func.value, ast.Name) and func.value.id in ("findings", "problems")
    return isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) \
        and node.target.id in ("findings", "problems")


def _mutant(tree: ast.Module, file: str, node: ast.AST, kind: str, description: str,
            change) -> Mutant:
    mutated = copy.deepcopy(tree)
    target = _same_node(mutated, node)
    change(target)
    ast.fix_missing_locations(mutated)
    return Mutant(file, node.lineno, kind, description, ast.unparse(mutated))


def _same_node(tree: ast.AST, node: ast.AST) -> ast.AST:
    for candidate in ast.walk(tree):
        if type(candidate) is type(node) and getattr(candidate, "lineno", None) == node.lineno \
                and getattr(candidate, "col_offset", None) == node.col_offset \
                and ast.dump(candidate) == ast.dump(node):
            return candidate
    raise LookupError(ast.dump(node)[:80])


def _replace_body(function: ast.FunctionDef, _original) -> None:
    function.body = [ast.Return(value=ast.List(elts=[], ctx=ast.Load()))]


def _to_pass(statement: ast.AST, _original) -> None:
    # Turned into a no-op expression in place: the parent's body keeps its shape.
    statement.__class__ = ast.Expr
    statement.value = ast.Constant(value=None)
    for field in ("target", "op"):
        if hasattr(statement, field):
            delattr(statement, field)


def _negate(node: ast.If | ast.IfExp | ast.While, _original) -> None:
    node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)


def _swap(node: ast.Compare, _original, index: int) -> None:
    node.ops[index] = _SWAPS[type(node.ops[index])]()


def run_mutant(mutant: Mutant, tests: list[str], timeout: float) -> tuple[Mutant, bool, float]:
    """(mutant, killed, seconds): the tests against a copy of the repository with it."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="leafletgen-mutant-") as folder:
        copy_root = Path(folder) / "repo"
        shutil.copytree(REPO, copy_root, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "__pycache__", ".pytest_cache", ".ruff_cache"))
        (copy_root / mutant.file).write_text(mutant.source, encoding="utf-8")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider",
                 *tests],
                cwd=copy_root, env=_environment(copy_root), capture_output=True,
                timeout=timeout, check=False)
            killed = done.returncode != 0
        except subprocess.TimeoutExpired:
            killed = True  # a mutant that hangs the tests is noticed too
    return mutant, killed, time.perf_counter() - started


def _environment(copy_root: Path) -> dict[str, str]:
    import os

    # The copy's src comes first on the path, ahead of the editable install of the original.
    return {**os.environ, "PYTHONPATH": str(copy_root / "src")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=TARGETS)
    parser.add_argument("--tests", nargs="+", default=TESTS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300)
    arguments = parser.parse_args()
    all_mutants = [m for target in arguments.targets for m in mutants(REPO / target)]
    print(f"{len(all_mutants)} mutants of {', '.join(arguments.targets)}; tests: "
          f"{' '.join(arguments.tests)}", flush=True)
    survivors = []
    killed = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.jobs) as pool:
        for mutant, was_killed, seconds in pool.map(
                lambda m: run_mutant(m, arguments.tests, arguments.timeout), all_mutants):
            killed += was_killed
            mark = "killed  " if was_killed else "SURVIVED"
            print(f"{mark} {mutant.file}:{mutant.line} {mutant.kind}: {mutant.description} "
                  f"({seconds:.0f} s)", flush=True)
            if not was_killed:
                survivors.append(mutant)
    by_kind: dict[str, list[int]] = {}
    for mutant in all_mutants:
        cell = by_kind.setdefault(mutant.kind, [0, 0])
        cell[0] += mutant not in survivors
        cell[1] += 1
    print(f"\nscore: {killed} of {len(all_mutants)} killed "
          f"({100 * killed / max(len(all_mutants), 1):.1f} %) in "
          f"{time.perf_counter() - started:.0f} s")
    for kind, (dead, total) in by_kind.items():
        print(f"  {kind:<20} {dead} of {total} killed")
    disabling = [m for m in survivors if m.disables_a_check]
    if disabling:
        print(f"{len(disabling)} mutant(s) that disable a check survived")
        sys.exit(1)


if __name__ == "__main__":
    main()
