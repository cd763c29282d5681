"""Offline LookML validation against the live warehouse (no Looker, no Dagster).

`lkml` checks syntax only, and Looker's own validator needs a Looker instance; this catches what breaks
dashboards after a dbt change: a `sql_table_name` that no longer exists, a `${TABLE}.column` dbt renamed,
an explore join or dashboard tile naming a field or explore that is gone.

The warehouse is reached through one callable, `list_columns("schema.table") -> column names | None`
(None: no such relation), so DuckDB (`DuckDBColumns`), PostgreSQL (`PostgresColumns`) and any DB-API
connection (`information_schema_lister`) plug in the same way; `warehouse_columns(target)` picks one from
a SAGE_LOOKER_WAREHOUSE value. `check_datagroup_sql` runs every datagroup's sql_trigger on the warehouse,
so the trigger Looker polls is proved to be valid SQL for the backend, not just to name existing columns.

    python -m sage_looker.lookml_check                 # the configured warehouse (SAGE_LOOKER_WAREHOUSE)
    python -m sage_looker.lookml_check --warehouse .sage_looker/warehouse.duckdb

A PostgreSQL URL is best left in SAGE_LOOKER_WAREHOUSE: a password given as an argument is visible to
every user of the machine (ps).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from sage_looker.lookml_project import Explore, Problem, Project, View, load_project

__all__ = ["ColumnLister", "DuckDBColumns", "PostgresColumns", "Problem", "check_datagroup_sql", "check_lookml",
           "check_project", "information_schema_lister", "load_project", "warehouse_columns"]

ColumnLister = Callable[[str], Sequence[str] | None]

_REF = re.compile(r"\$\{([^}]+)\}")
_TABLE_COL = re.compile(r"\$\{TABLE\}\.(?:\"([^\"]+)\"|`([^`]+)`|(\w+))")
_TRIGGER_FROM = re.compile(r"\bfrom\s+((?:\"?\w+\"?\.)*\"?\w+\"?)", re.IGNORECASE)
_TRIGGER_MAX = re.compile(r"\bmax\s*\(\s*\"?(\w+)\"?\s*\)", re.IGNORECASE)
_SQL_KEYS = ("sql", "sql_start", "sql_end", "sql_latitude", "sql_longitude")


class _Checker:
    def __init__(self, project: Project, list_columns: ColumnLister) -> None:
        self.p = project
        self.list_columns = list_columns
        self.problems: list[Problem] = list(project.problems)
        self._columns: dict[str, set[str] | None] = {}

    def add(self, file: str, where: str, message: str) -> None:
        self.problems.append(Problem(file, where, message))

    def columns(self, relation: str) -> set[str] | None:
        if relation not in self._columns:
            cols = self.list_columns(relation)
            self._columns[relation] = None if cols is None else {c.lower() for c in cols}
        return self._columns[relation]

    # ------------------------------------------------------------------ views

    def check_views(self) -> None:
        for v in self.p.views.values():
            cols = None
            table = (v.sql_table_name or "").strip()
            if table and "${" not in table and "@{" not in table:
                cols = self.columns(table)
                if cols is None:
                    self.add(v.file, f"view {v.name}", f"sql_table_name {table} does not exist in the warehouse")
            kinds = ("dimensions", "dimension_groups", "measures", "filters", "parameters")
            seen: set[str] = set()
            for kind in kinds:
                for f in v.raw.get(kind, []):
                    where = f"view {v.name} {kind[:-1]} {f['name']}"
                    if f["name"] in seen and kind != "dimension_groups":
                        self.add(v.file, where, "field name used twice in the view")
                    seen.add(f["name"])
                    for key in _SQL_KEYS:
                        if key in f:
                            self.check_sql(v, where, f[key], cols)
                    for flt in f.get("filters__all", []) or []:
                        for item in flt:
                            for name in item:
                                self.check_ref(v, where, name)
                    if "order_by_field" in f:
                        self.check_ref(v, where, f["order_by_field"])

    def check_sql(self, v: View, where: str, sql: str, cols: set[str] | None) -> None:
        if cols is not None:
            for m in _TABLE_COL.finditer(sql):
                col = next(g for g in m.groups() if g)
                if col.lower() not in cols:
                    self.add(v.file, where, f"column {col} does not exist in {v.sql_table_name}")
        for ref in _REF.findall(sql):
            if ref != "TABLE":
                self.check_ref(v, where, ref)

    def check_ref(self, v: View, where: str, ref: str) -> None:
        ref = ref.strip()
        if "." not in ref:
            if ref not in v.fields:
                self.add(v.file, where, f"${{{ref}}} is not a field of view {v.name}")
            return
        view_name, name = ref.split(".", 1)
        other = self.p.views.get(view_name)
        if other is None:
            self.add(v.file, where, f"${{{ref}}}: no view named {view_name}")
        elif name != "SQL_TABLE_NAME" and name not in other.fields:
            self.add(v.file, where, f"${{{ref}}}: view {view_name} has no field {name}")

    # ------------------------------------------------------------------ models and explores

    def check_models(self) -> None:
        for model, doc in self.p.models.items():
            file = f"{model}.model.lkml"
            datagroups = {d["name"]: d for d in doc.get("datagroups", [])}
            for name, dg in datagroups.items():
                self.check_trigger(file, f"datagroup {name}", dg.get("sql_trigger", ""))
            for where, name in [("persist_with", doc.get("persist_with"))] + [
                (f"explore {e['name']} persist_with", e.get("persist_with")) for e in doc.get("explores", [])
            ]:
                if name and name not in datagroups:
                    self.add(file, where, f"datagroup {name} is not defined in the model")
        for e in self.p.explores.values():
            for alias, view_name in e.aliases.items():
                if view_name not in self.p.views:
                    self.add(e.file, f"explore {e.name}", f"{alias} refers to missing view {view_name}")
            names = [j["name"] for j in e.raw.get("joins", [])]
            for dup in {n for n in names if names.count(n) > 1}:
                self.add(e.file, f"explore {e.name}", f"join {dup} appears twice")
            for j in e.raw.get("joins", []):
                where = f"explore {e.name} join {j['name']}"
                if not j.get("sql_on") and not j.get("foreign_key") and j.get("type") != "cross":
                    self.add(e.file, where, "join has neither sql_on nor foreign_key")
                for ref in _REF.findall(j.get("sql_on", "")):
                    self.check_explore_field(e, where, ref.strip(), allow_table=True)
                if j.get("foreign_key"):
                    self.check_explore_field(e, where, f"{e.name}.{j['foreign_key']}")
            for key in ("sql_always_where", "sql_always_having"):
                for ref in _REF.findall(e.raw.get(key, "")):
                    self.check_explore_field(e, f"explore {e.name} {key}", ref.strip(), allow_table=True)

    def check_trigger(self, file: str, where: str, sql: str) -> None:
        tables = _TRIGGER_FROM.findall(sql)
        for t in tables:
            cols = self.columns(t.replace('"', ""))
            if cols is None:
                self.add(file, where, f"sql_trigger reads {t}, which does not exist in the warehouse")
            elif len(tables) == 1:
                for col in _TRIGGER_MAX.findall(sql):
                    if col.lower() not in cols:
                        self.add(file, where, f"sql_trigger reads column {col}, which {t} does not have")

    def check_explore_field(self, e: Explore, where: str, ref: str, allow_table: bool = False,
                            file: str | None = None) -> bool:
        file = file or e.file
        if "." not in ref:
            self.add(file, where, f"${{{ref}}} must name a field as view.field")
            return False
        alias, name = ref.split(".", 1)
        view_name = e.aliases.get(alias)
        if view_name is None:
            self.add(file, where, f"{ref}: {alias} is neither the explore nor one of its joins")
            return False
        view = self.p.views.get(view_name)
        if view is None:
            return False  # reported with the explore
        if allow_table and name == "SQL_TABLE_NAME":
            return True
        if name not in view.fields:
            self.add(file, where, f"{ref}: view {view_name} has no field {name}")
            return False
        return True

    # ------------------------------------------------------------------ dashboards

    def check_dashboards(self) -> None:
        for file, d in self.p.dashboards:
            name = d.get("dashboard", "?")
            filters = {f.get("name"): f for f in d.get("filters") or []}
            for fname, f in filters.items():
                if f.get("type", "field_filter") == "field_filter" and (f.get("explore") or f.get("field")):
                    e = self.dashboard_explore(file, f"dashboard {name} filter {fname}", f)
                    if e and f.get("field"):
                        self.check_explore_field(e, f"dashboard {name} filter {fname}", f["field"], file=file)
            for el in d.get("elements") or []:
                where = f"dashboard {name} element {el.get('name', el.get('title', '?'))}"
                if not el.get("explore") and not el.get("model"):
                    continue  # text and button tiles
                e = self.dashboard_explore(file, where, el)
                if e is None:
                    continue
                dynamic = _dynamic_names(el.get("dynamic_fields"))
                refs = [*(el.get("fields") or []), *(el.get("pivots") or []), *(el.get("dimensions") or []),
                        *(el.get("measures") or []), *(el.get("filters") or {}).keys(),
                        *[s.split()[0] for s in el.get("sorts") or [] if s.strip()]]
                for fname, target in (el.get("listen") or {}).items():
                    if fname not in filters:
                        self.add(file, where, f"listens to dashboard filter {fname}, which is not defined")
                    refs.append(target)
                for ref in refs:
                    if ref not in dynamic:
                        self.check_explore_field(e, where, ref, file=file)

    def dashboard_explore(self, file: str, where: str, obj: dict) -> Explore | None:
        model, explore = obj.get("model"), obj.get("explore")
        if model not in self.p.models:
            self.add(file, where, f"model {model!r} does not exist")
            return None
        e = self.p.explores.get((model, explore))
        if e is None:
            self.add(file, where, f"explore {explore!r} does not exist in model {model}")
        return e

    def run(self) -> list[Problem]:
        self.check_views()
        self.check_models()
        self.check_dashboards()
        return sorted(set(self.problems))


def _dynamic_names(dynamic: Any) -> set[str]:
    if isinstance(dynamic, str):
        try:
            dynamic = yaml.safe_load(dynamic)
        except yaml.YAMLError:
            return set()
    out = set()
    for item in dynamic or []:
        if isinstance(item, dict):
            out |= {str(item[k]) for k in ("table_calculation", "measure", "dimension") if k in item}
    return out


def check_project(project: Project, list_columns: ColumnLister) -> list[Problem]:
    return _Checker(project, list_columns).run()


def check_lookml(lookml_dir: str | Path, list_columns: ColumnLister) -> list[Problem]:
    """Every problem found in the LookML under `lookml_dir` against the warehouse behind `list_columns`."""
    return check_project(load_project(lookml_dir), list_columns)


# ---------------------------------------------------------------------- warehouse column listers

def information_schema_lister(query: Callable[[str, Sequence[Any]], list[tuple]], param: str = "?",
                              default_schema: str = "public") -> ColumnLister:
    """A ColumnLister over any SQL database with information_schema (`query(sql, params) -> rows`):
    DuckDB (`param="?"`) or psycopg (`param="%s"`). `schema.table`, `catalog.schema.table` or `table`."""

    def list_columns(relation: str) -> list[str] | None:
        parts = [p.strip().strip('"`') for p in relation.split(".")]
        if len(parts) > 3 or not all(parts):
            return None
        catalog, schema, table = ([None] * (3 - len(parts)) + parts)
        sql = f"SELECT column_name FROM information_schema.columns WHERE table_name = {param} AND table_schema = {param}"
        params: list[Any] = [table, schema or default_schema]
        if catalog:
            sql += f" AND table_catalog = {param}"
            params.append(catalog)
        rows = query(sql + " ORDER BY ordinal_position", params)
        return [r[0] for r in rows] or None

    return list_columns


class DuckDBColumns:
    """ColumnLister over a DuckDB file (opened read-only) or an open connection."""

    def __init__(self, source: Any) -> None:
        import duckdb

        self._own = not isinstance(source, duckdb.DuckDBPyConnection)
        self.con = duckdb.connect(str(source), read_only=True) if self._own else source
        self._lister = information_schema_lister(lambda sql, params: self.con.execute(sql, params).fetchall(),
                                                 default_schema="main")

    def __call__(self, relation: str) -> list[str] | None:
        return self._lister(relation)

    def close(self) -> None:
        if self._own:
            self.con.close()

    def __enter__(self) -> "DuckDBColumns":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PostgresColumns:
    """ColumnLister over a PostgreSQL database (a `postgresql://…` URL, opened read-only, or an open psycopg
    connection). Unqualified relations resolve in `public`, as Looker's PostgreSQL connections do by default."""

    def __init__(self, source: Any, connect_timeout: int = 10) -> None:
        import psycopg

        self._own = not isinstance(source, psycopg.Connection)
        if self._own:
            from sage_looker.warehouse.targets import postgres_conninfo

            self.con = psycopg.connect(**postgres_conninfo(source), autocommit=True,
                                       connect_timeout=connect_timeout, application_name="sage_looker_lookml_check")
            self.con.execute("SET default_transaction_read_only = on")  # a check never writes
        else:
            self.con = source
        self._lister = information_schema_lister(lambda sql, params: self.con.execute(sql, params).fetchall(),
                                                 param="%s")

    def __call__(self, relation: str) -> list[str] | None:
        return self._lister(relation)

    def query(self, sql: str) -> list[tuple]:
        cur = self.con.execute(sql)
        return cur.fetchall() if cur.description else []

    def close(self) -> None:
        if self._own:
            self.con.close()

    def __enter__(self) -> "PostgresColumns":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def warehouse_columns(target: str | Path) -> "DuckDBColumns | PostgresColumns":
    """The ColumnLister for a warehouse target as SAGE_LOOKER_WAREHOUSE spells it (path, duckdb:///…, postgresql://…)."""
    from sage_looker.warehouse.targets import duckdb_path, is_postgres

    return PostgresColumns(str(target)) if is_postgres(target) else DuckDBColumns(duckdb_path(target))


def check_datagroup_sql(project_or_dir: Project | str | Path, run_sql: Callable[[str], Any]) -> list[Problem]:
    """Run every datagroup's sql_trigger through `run_sql(sql)` (e.g. `Warehouse.read_arrow`); each one that
    raises is a problem (Looker would fail to poll it on this backend)."""
    project = project_or_dir if isinstance(project_or_dir, Project) else load_project(project_or_dir)
    problems = []
    for model, doc in sorted(project.models.items()):
        for d in doc.get("datagroups", []):
            sql = (d.get("sql_trigger") or "").strip().rstrip(";").strip()
            if not sql:
                continue
            try:
                run_sql(sql)
            except Exception as exc:  # the driver's message says what the backend rejected
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                problems.append(Problem(f"{model}.model.lkml", f"datagroup {d['name']}",
                                        f"sql_trigger fails on the warehouse: {first}"))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    from sage_looker.dbt_project import LOOKML_DIR

    parser = argparse.ArgumentParser(description="Validate the LookML against the warehouse")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--warehouse", help="warehouse target: DuckDB path, duckdb:///path or postgresql://… URL "
                                           "(default: SAGE_LOOKER_WAREHOUSE, else $SAGE_LOOKER_HOME/warehouse.duckdb)")
    where.add_argument("--duckdb", help="path of the DuckDB warehouse (same as --warehouse PATH)")
    parser.add_argument("--lookml-dir", default=str(LOOKML_DIR))
    args = parser.parse_args(argv)
    target = args.warehouse or args.duckdb
    if not target:
        from sage_looker.home import default_warehouse_target

        target = default_warehouse_target()
    project = load_project(args.lookml_dir)
    with warehouse_columns(target) as cols:
        problems = check_project(project, cols)
        run = cols.query if isinstance(cols, PostgresColumns) else (lambda sql: cols.con.execute(sql).fetchall())
        problems = sorted(set(problems) | set(check_datagroup_sql(project, run)))
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)" if problems else "LookML OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
