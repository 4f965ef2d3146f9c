"""No import cycle between files (issue 10): in the packages checked, no module imports, directly or
through others, a module that imports it back. Function-level and ``TYPE_CHECKING`` imports count as
well — grimp sees them — so a cycle cannot be hidden by moving an import into a function.

The graph is grimp's (the one import-linter checks); a cycle is a strongly connected component of more
than one module, found here with Tarjan's algorithm. Each scope in ``SCOPES`` is checked on its own:
the edges between its modules only. To widen the check, add a scope (``("doudi",)`` is the whole
project) or a package to the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

LOWER_FLOORS = ("doudi.core", "doudi.registry", "doudi.policy", "doudi.regions", "doudi.accounts")
WHOLE_PROJECT = ("doudi",)
SCOPES = [LOWER_FLOORS, WHOLE_PROJECT]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("doudi", cache_dir=None)


def in_scope(module: str, packages: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def import_edges(graph: grimp.ImportGraph, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module → the modules of the scope it imports directly."""
    modules = {m for m in graph.modules if in_scope(m, packages)}
    return {m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules} for m in modules}


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm, iterative), each
    sorted, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def describe(graph: grimp.ImportGraph, component: list[str], edges: Mapping[str, set[str]]) -> str:
    """A cycle's modules and the imports that tie them (importer:line → imported: the line)."""
    members = set(component)
    lines = [f"cycle of {len(component)} modules: {', '.join(component)}"]
    for importer in component:
        for imported in sorted(edges[importer] & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(
                    f"    {importer}:{detail['line_number']} → {imported}: {detail['line_contents']}"
                )
    return "\n".join(lines)


def test_tarjan_finds_every_cycle_and_only_cycles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}, "g": set()}
    assert cycles(edges) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


@pytest.mark.parametrize("packages", SCOPES, ids=lambda packages: "+".join(packages))
def test_no_import_cycle_between_files(graph, packages):
    edges = import_edges(graph, packages)
    assert edges, f"no module found in {packages}"
    found = cycles(edges)
    assert not found, f"{len(found)} import cycle(s) between files:\n" + "\n".join(
        describe(graph, c, edges) for c in found
    )
