"""A LookML project read from disk: views (with the field names Looker derives), models, explores (with
their join aliases), dashboards. `lkml` parses .lkml files; LookML dashboards are YAML. No Looker needed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lkml
import yaml

_TIMEFRAMES = ("raw", "time", "date", "week", "month", "quarter", "year")
_INTERVALS = ("day", "hour", "minute", "second")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


@dataclass
class View:
    name: str
    file: str
    raw: dict
    sql_table_name: str | None
    fields: set[str] = field(default_factory=set)


@dataclass
class Explore:
    name: str
    model: str
    file: str
    raw: dict
    aliases: dict[str, str] = field(default_factory=dict)  # alias (explore or join name) → view name
    extends: list[str] = field(default_factory=list)  # base explores whose joins this one inherits


@dataclass
class Project:
    root: Path
    views: dict[str, View] = field(default_factory=dict)
    models: dict[str, dict] = field(default_factory=dict)
    explores: dict[tuple[str, str], Explore] = field(default_factory=dict)
    dashboards: list[tuple[str, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _field_names(view: dict) -> set[str]:
    names = {d["name"] for key in ("dimensions", "measures", "filters", "parameters") for d in view.get(key, [])}
    for g in view.get("dimension_groups", []):
        if g.get("type") == "duration":
            names |= {f"{i}s_{g['name']}" for i in g.get("intervals") or _INTERVALS}
        else:
            names |= {f"{g['name']}_{t}" for t in g.get("timeframes") or _TIMEFRAMES}
    return names


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def load_project(lookml_dir: str | Path) -> Project:
    """Parse every .lkml (lkml) and .dashboard.lookml (YAML) file below `lookml_dir`."""
    root = Path(lookml_dir).resolve()
    project = Project(root)
    parsed: dict[Path, dict] = {}
    for path in sorted(root.rglob("*.lkml")):
        try:
            parsed[path] = lkml.load(path.read_text())
        except Exception as exc:  # lkml raises SyntaxError and friends with a line number
            project.problems.append(Problem(_rel(path, root), "file", f"LookML syntax error: {exc}"))
    for path, doc in parsed.items():
        for v in doc.get("views", []):
            if v["name"] in project.views:
                project.problems.append(Problem(_rel(path, root), f"view {v['name']}", "view defined twice"))
            project.views[v["name"]] = View(v["name"], _rel(path, root), v, v.get("sql_table_name"), _field_names(v))
    for path, doc in parsed.items():
        if path.name.endswith(".model.lkml"):
            model = path.name[: -len(".model.lkml")]
            project.models[model] = doc
            included = _included_files(root, path, doc.get("includes", []), project)
            raws = [(_rel(p, root), e) for p in [path, *included] for e in parsed.get(p, {}).get("explores", [])]
            for file, e in _resolve_explores(raws, project):
                project.explores[(model, e["name"])] = _explore(model, file, e)
    for path in sorted(root.rglob("*.dashboard.lookml")):
        try:
            docs = yaml.safe_load(path.read_text()) or []
        except yaml.YAMLError as exc:
            project.problems.append(Problem(_rel(path, root), "file", f"dashboard YAML error: {exc}"))
            continue
        for d in docs if isinstance(docs, list) else [docs]:
            project.dashboards.append((_rel(path, root), d))
    return project


def _included_files(root: Path, model_path: Path, patterns: Iterable[str], project: Project) -> list[Path]:
    out: list[Path] = []
    for pattern in patterns:
        base = root if pattern.startswith("/") else model_path.parent
        matches = sorted(p for p in base.glob(pattern.lstrip("/")) if p.is_file())
        if not matches:
            project.problems.append(Problem(_rel(model_path, root), f"include {pattern!r}", "matches no file"))
        out += matches
    return out


def _explore(model: str, file: str, raw: dict) -> Explore:
    e = Explore(raw["name"], model, file, raw, extends=_extends(raw))
    e.aliases[raw["name"]] = raw.get("from") or raw.get("view_name") or raw["name"]
    for j in raw.get("joins", []):
        e.aliases[j["name"]] = j.get("from") or j["name"]
    return e


def _extends(raw: dict) -> list[str]:
    return [name for group in raw.get("extends__all", []) for name in group]


def _merge(base: dict, over: dict) -> dict:
    """`over` layered on `base` as Looker does for extends and refinements: scalar properties replace, joins
    merge by name (a join of the same name replaces the inherited one, its other joins stay)."""
    merged = {**base, **{k: v for k, v in over.items() if k != "joins"}}
    joins = {j["name"]: j for j in base.get("joins", [])}
    joins.update({j["name"]: j for j in over.get("joins", [])})
    merged["joins"] = list(joins.values())
    return merged


def _resolve_explores(raws: list[tuple[str, dict]], project: Project) -> list[tuple[str, dict]]:
    """One model's explores as Looker sees them: refinements (`explore: +name`) applied to the explore they
    name, then each `extends: [...]` base's properties and joins inherited (recursively), so a join defined
    once in a base is checked in every explore that extends it. `extension: required` bases are templates,
    not explores: they are not listed (Looker neither shows nor validates them on their own)."""
    own: dict[str, tuple[str, dict]] = {}
    for file, e in raws:
        if not e["name"].startswith("+"):
            if e["name"] in own:
                project.problems.append(Problem(file, f"explore {e['name']}", "explore defined twice"))
            own[e["name"]] = (file, e)
    for file, e in raws:
        if not e["name"].startswith("+"):
            continue
        name = e["name"][1:]
        if name not in own:
            project.problems.append(Problem(file, f"explore +{name}", f"refines explore {name}, which is not defined"))
            continue
        base_file, base = own[name]
        own[name] = (base_file, _merge(base, {**e, "name": name}))
    resolved: dict[str, dict] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> dict:
        if name in resolved:
            return resolved[name]
        file, e = own[name]
        merged: dict = {}
        for base in _extends(e):
            if base in chain or base == name:
                project.problems.append(Problem(file, f"explore {name}", f"extends {base} in a cycle"))
            elif base not in own:
                problem = f"extends explore {base}, which is not defined"
                project.problems.append(Problem(file, f"explore {name}", problem))
            else:
                inherited = {k: v for k, v in resolve(base, (*chain, name)).items() if k not in ("extension", "name")}
                merged = _merge(merged, inherited)
        resolved[name] = _merge(merged, e)
        return resolved[name]

    return [(file, resolve(name, ())) for name, (file, e) in own.items() if e.get("extension") != "required"]
