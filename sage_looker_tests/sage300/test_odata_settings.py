"""URLs, literals, filters, envelopes, nextLink rewriting; settings from the environment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sage_looker.sage300 import odata
from sage_looker.sage300.errors import SageConfigError
from sage_looker.sage300.settings import Sage300Settings

from .conftest import PASSWORD


def test_resource_url_and_company_validation():
    assert (odata.resource_url("https://erp.example.com/Sage300WebApi/", "saminc", "AP/APVendors")
            == "https://erp.example.com/Sage300WebApi/v1.0/-/SAMINC/AP/APVendors")
    for bad in ("SAM LTD", "TOOLONG7", "", "SAM'X", "A/B"):
        with pytest.raises(ValueError, match="1-6 letters or digits"):
            odata.company_code(bad)
    with pytest.raises(ValueError):
        odata.resource_url("https://h/Sage300WebApi", "SAMLTD", "APVendors")


def test_literals():
    assert odata.literal(dt.date(2024, 12, 1)) == "2024-12-01T00:00:00Z"
    assert odata.literal(dt.datetime(2024, 12, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == \
        "2024-12-01T10:30:00Z"
    assert odata.literal(Decimal("1000.00")) == "1000.00"
    assert odata.literal(Decimal("1E+3")) == "1000"
    assert odata.literal(Decimal("-0.000001")) == "-0.000001"
    assert odata.literal(42) == "42"
    assert odata.literal("O'Brien") == "'O''Brien'"
    assert odata.literal("BalanceForward") == "'BalanceForward'"
    assert odata.literal(True) == "true" and odata.literal(None) == "null"
    with pytest.raises(TypeError, match="Decimal"):
        odata.literal(0.1)


def test_date_window_filter_inclusive_both_ends():
    assert (odata.date_window_filter("BatchDate", dt.date(2024, 1, 1), dt.date(2024, 1, 1))
            == "BatchDate ge 2024-01-01T00:00:00Z and BatchDate lt 2024-01-02T00:00:00Z")
    assert (odata.date_window_filter("BatchDate", "2024-02-28", "2024-02-29")
            == "BatchDate ge 2024-02-28T00:00:00Z and BatchDate lt 2024-03-01T00:00:00Z")
    assert odata.date_window_filter("OrderDate", None, "2024-12-31") == "OrderDate lt 2025-01-01T00:00:00Z"
    assert odata.date_window_filter("OrderDate", None, None) is None
    with pytest.raises(ValueError, match="before its start"):
        odata.date_window_filter("X", "2024-01-02", "2024-01-01")


def test_query_string_encoding():
    url = odata.with_query("https://h/Sage300WebApi/v1.0/-/SAMLTD/AP/APVendors",
                           {"$filter": "VendorName eq 'A&B #1'", "$top": 100, "$select": None})
    assert url.endswith("?$filter=VendorName%20eq%20'A%26B%20%231'&$top=100")
    assert odata.query_params(url)["$filter"] == "VendorName eq 'A&B #1'"


def test_next_link_keeps_configured_host_and_rewrites_skip():
    base = "https://erp.example.com:8443/Sage300WebApi"
    cur = base + "/v1.0/-/SAMLTD/AP/APVendors?$top=100"
    link = "http://internal-iis:80/Sage300WebApi/v1.0/-/SAMLTD/AP/APVendors?$top=100&$skip=100"
    nxt = odata.rebase_next_link(base, cur, link)
    assert nxt == "https://erp.example.com:8443/Sage300WebApi/v1.0/-/SAMLTD/AP/APVendors?$top=100&$skip=100"
    # relative links resolve against the current URL
    assert odata.rebase_next_link(base, cur, "APVendors?$skip=5").endswith("/AP/APVendors?$skip=5")
    assert odata.set_query_params(nxt, _skip=97).endswith("?$top=100&$skip=97")
    assert odata.set_query_params(nxt, _skip=None, _count="true").endswith("?$top=100&$count=true")
    assert odata.strip_credentials("https://u:p@h/x?a=1") == "https://h/x?a=1"


@pytest.mark.parametrize("doc,count,link", [
    ({"@odata.count": 5, "@odata.nextLink": "n"}, 5, "n"),
    ({"odata.count": "5", "odata.nextLink": "n"}, 5, "n"),
    ({"@odata.count": Decimal("7")}, 7, None),
    ({"@odata.count": "x"}, None, None),
    ({}, None, None),
])
def test_envelope(doc, count, link):
    assert odata.envelope_count(doc) == count
    assert odata.envelope_next_link(doc) == link


def test_settings_defaults_and_secret():
    s = Sage300Settings(url="https://erp/Sage300WebApi/", user="webapi", password=PASSWORD, companies=["samltd"])
    assert s.url == "https://erp/Sage300WebApi" and s.user == "WEBAPI" and s.companies == ["SAMLTD"]
    assert (s.page_size, s.max_requests_per_run, s.concurrency, s.timeout_seconds, s.verify_tls) == \
        (100, 1200, 2, 60, True)
    assert s.password_case == "upper" and s.wire_password() == PASSWORD.upper()
    assert PASSWORD not in repr(s) and PASSWORD not in str(s) and PASSWORD.upper() not in repr(s)
    assert Sage300Settings(password=PASSWORD, password_case="preserve").wire_password() == PASSWORD
    assert Sage300Settings(url="").url is None


def test_settings_from_env():
    env = {
        "SAGE300_URL": "https://erp/Sage300WebApi", "SAGE300_USER": "webapi", "SAGE300_PASSWORD": PASSWORD,
        "SAGE300_COMPANIES": " samltd, SAMINC ,", "SAGE300_PASSWORD_CASE": "Preserve", "SAGE300_PAGE_SIZE": "500",
        "SAGE300_MAX_REQUESTS_PER_RUN": "50", "SAGE300_CONCURRENCY": "1", "SAGE300_TIMEOUT": "55",
        "SAGE300_VERIFY_TLS": "false",
    }
    s = Sage300Settings.from_env(env)
    assert s.companies == ["SAMLTD", "SAMINC"] and s.password_case == "preserve" and s.page_size == 500
    assert (s.max_requests_per_run, s.concurrency, s.timeout_seconds, s.verify_tls) == (50, 1, 55, False)
    assert Sage300Settings.from_env({}).url is None


def test_settings_from_env_one_clear_line_per_bad_field(tmp_path):
    env = {
        "SAGE300_URL": "ftp://user:pw@erp", "SAGE300_COMPANIES": "SAMLTD,SAM-INC", "SAGE300_PAGE_SIZE": "lots",
        "SAGE300_CONCURRENCY": "0", "SAGE300_VERIFY_TLS": "maybe", "SAGE300_CA_BUNDLE": str(tmp_path / "none.pem"),
        "SAGE300_PASSWORD_CASE": "lower", "SAGE300_PASSWORD": PASSWORD, "SAGE300_USER": "web api",
    }
    with pytest.raises(SageConfigError) as ei:
        Sage300Settings.from_env(env)
    text = str(ei.value)
    lines = [line.strip() for line in text.splitlines()[1:]]
    assert len(lines) == 8
    for var in ("SAGE300_URL", "SAGE300_COMPANIES", "SAGE300_PAGE_SIZE", "SAGE300_CONCURRENCY",
                "SAGE300_VERIFY_TLS", "SAGE300_CA_BUNDLE", "SAGE300_PASSWORD_CASE", "SAGE300_USER"):
        assert sum(line.startswith(var + " ") or line.startswith(var + ":") for line in lines) == 1, var
    assert all("Fix:" in line for line in lines)
    assert "SAM-INC" in text and "'preserve'" in text
    assert PASSWORD not in text and PASSWORD.upper() not in text
    assert "user:pw" not in text  # URL credentials are not echoed either


def test_settings_url_must_be_base():
    with pytest.raises(ValidationError, match="before /v1.0"):
        Sage300Settings(url="https://erp/Sage300WebApi/v1.0/-/SAMLTD")
    with pytest.raises(ValidationError, match="credentials"):
        Sage300Settings(url="https://a:b@erp/Sage300WebApi")
