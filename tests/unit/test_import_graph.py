"""Data flows one way: no module of the service imports from a stage after it in the flow."""

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"

# The flow, first to last: ingest -> store -> retrieve -> generate -> verify -> respond, on top of
# shared records, text utilities, settings and the model seams. A module may import from its own
# layer or an earlier one; the store sits under ingestion, which writes into it through a protocol.
LAYERS = [
    ["service", "service.settings", "service.records", "service.text", "service.errors", "service.prompts",
     "service.policy", "service.prompt_files"],
    ["service.models"],
    ["service.store"],
    ["service.ingest"],
    ["service.retrieve"],
    ["service.context"],
    ["service.generate"],
    ["service.citations"],
    ["service.checker"],
    ["service.verify"],
    ["service.headlines", "service.ordering"],
    ["service.answer", "service.summarize"],
    ["service.digest", "service.sections"],
    ["service.runtime"],
    ["service.api", "service.app", "service.server", "service.cli", "service.__main__"],
]


def layer_of(module: str) -> int:
    matches = [(len(prefix), i) for i, prefixes in enumerate(LAYERS) for prefix in prefixes
               if module == prefix or module.startswith(prefix + ".")]
    assert matches, f"{module} is in no layer: add it to LAYERS"
    return max(matches)[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(SERVICE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "service" or name.startswith("service.")}


def test_no_module_imports_from_a_later_stage():
    backwards = []
    for path in sorted(SERVICE.rglob("*.py")):
        importer = module_name(path)
        for imported in imports_of(path):
            if layer_of(imported) > layer_of(importer):
                backwards.append(f"{importer} imports {imported}")
    assert backwards == []


def test_records_and_text_import_nothing_of_the_service():
    for name in ("records.py", "text.py", "settings.py"):
        assert imports_of(SERVICE / name) == set(), name


def test_the_check_sees_a_backward_import(tmp_path):
    later = tmp_path / "store.py"
    later.write_text("from service.answer import Answerer\n")
    assert imports_of(later) == {"service.answer"}
    assert layer_of("service.answer") > layer_of("service.store")
