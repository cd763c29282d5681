"""The raw page archive is a Dagster resource (`page_archive`): configured once, shown in the UI's resources
view with its root, and what the Sage assets and the warehouse IO manager actually read and write."""

from pathlib import Path

import dagster as dg

from sage_looker.audit.replay import SOURCE_TAG
from sage_looker.defs.warehouse.resources import PageArchiveResource

from .conftest import make_platform

VENDORS = dg.AssetKey(["sage300", "ap_vendors"])


def _manifests(root: Path) -> list[Path]:
    return sorted((root / "manifests").rglob("*.json")) if (root / "manifests").exists() else []


def test_the_archive_is_a_resource_with_its_configured_root(platform, sim, tmp_path, monkeypatch):
    resource = platform.defs.resources["page_archive"]
    assert isinstance(resource, PageArchiveResource)
    assert resource.root == str(platform.home / "archive")  # $SAGE_LOOKER_HOME/archive with nothing set
    for key in (VENDORS, dg.AssetKey(["sage300", "ap_invoice_batches"]), dg.AssetKey(["sage300", "ic_item_snapshots"])):
        assert "page_archive" in platform.defs.resolve_assets_def(key).required_resource_keys

    elsewhere = make_platform(sim, tmp_path / "other", monkeypatch, SAGE_LOOKER_ARCHIVE=str(tmp_path / "raw"))
    assert elsewhere.defs.resources["page_archive"].root == str(tmp_path / "raw")
    # An object-store URL may carry credentials: the UI shows the variable's name, the run resolves it.
    remote = make_platform(sim, tmp_path / "remote", monkeypatch, SAGE_LOOKER_ARCHIVE="memory://bucket/sage")
    assert remote.defs.resources["page_archive"].root == dg.EnvVar("SAGE_LOOKER_ARCHIVE")


def test_loads_and_replays_use_the_resource_archive(platform, tmp_path):
    """Given a `page_archive` resource rooted elsewhere than the environment's default, the load archives its
    pages and commits its manifest there, and a replay from it asks Sage nothing."""
    root = tmp_path / "configured_archive"
    resources = {**platform.defs.resources, "page_archive": PageArchiveResource(root=str(root))}
    from sage_looker.defs.sage300.assets import build_resource_asset
    from sage_looker.defs.sage300.partitions import build_partitions
    from sage_looker.defs.settings import validate_settings
    from sage_looker.sage300 import catalog

    # The definitions' asset has its resources bound: the same asset, built unbound, takes these.
    asset = build_resource_asset(catalog.resource("APVendors"), build_partitions(validate_settings().config))
    loaded = dg.materialize([asset], partition_key="SAMINC", resources=resources, instance=platform.instance)
    assert loaded.success
    manifests = _manifests(root)
    assert len(manifests) == 1 and "SAMINC" in manifests[0].parts
    assert manifests[0].with_name(manifests[0].name + ".committed").exists()  # marked by the IO manager
    assert _manifests(platform.home / "archive") == []  # nothing went to the environment's default
    before = platform.query("SELECT * EXCLUDE (_run_id, _loaded_at) FROM sage300.ap_vendors ORDER BY ALL")

    platform.sim.reset_log()
    replayed = dg.materialize([asset], partition_key="SAMINC", resources=resources, instance=platform.instance,
                              tags={SOURCE_TAG: "archive"})
    assert replayed.success and platform.sim.request_count() == 0
    assert platform.query("SELECT * EXCLUDE (_run_id, _loaded_at) FROM sage300.ap_vendors ORDER BY ALL") == before
