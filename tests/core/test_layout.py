"""The layout rules of README § Layout, checked on the source: the core under ppaos/ imports no
domain app (only the composition roots may), and the households app keeps its rooms."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {"households", "referrals", "masterplans", "monitoring"}
# Composition roots: they wire the apps together and may name them.
ALLOWED = ("ppaos/urls.py", "ppaos/settings/", "ppaos/demo/")


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_the_core_imports_no_domain_app():
    offending = []
    for path in sorted((ROOT / "ppaos").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(ALLOWED) or "/migrations/" in relative:
            continue
        for line, module in imported_modules(path):
            if module.split(".")[0] in DOMAIN_APPS:
                offending.append(f"{relative}:{line} imports {module}")
    assert offending == []


def test_the_walk_sees_lazy_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from referrals.selectors import x\n    import households\n")
    assert [name for _, name in imported_modules(module)] == ["referrals.selectors", "households"]


def test_surveys_have_their_own_room():
    assert not list((ROOT / "households").glob("survey_*.py"))
    assert (ROOT / "households" / "surveys" / "services.py").exists()


def test_no_test_file_is_named_for_fixes():
    assert [p.name for p in (ROOT / "tests").rglob("test_*fix*.py")] == []
