"""A value no warehouse can store exactly gets one clear SageDataError naming the resource and the record:
never a bare decimal.InvalidOperation, never a complete body mistaken for a truncated one and retried."""

from __future__ import annotations

import httpx
import pytest

from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.errors import SageDataError

from .conftest import fast_settings


def _client(body: bytes, seen: list) -> Sage300Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if "APVendors" in request.url.path:
            seen.append(request)
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return httpx.Response(200, content=b'{"value": []}', headers={"content-type": "application/json"})
    return Sage300Client(fast_settings(max_retries=4), transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("record,field", [
    # 1e400 in a money field: far beyond DECIMAL(19,3)
    (b'{"VendorNumber": "V0042", "VendorName": "Acme", "BalanceDueInVendorCurrency": 1e400}',
     "balance_due_in_vendor_currency"),
    # a lone UTF-16 surrogate (\ud800 without its pair): complete JSON, but text no database stores
    (b'{"VendorNumber": "V0042", "VendorName": "Acme \\ud800 Ltd"}', "VendorName"),
])
def test_an_unstorable_value_is_one_clear_error_naming_resource_and_record(record, field):
    seen: list = []
    body = b'{"@odata.count": 2, "value": [{"VendorNumber": "V0001", "VendorName": "Fine"}, ' + record + b"]}"
    with _client(body, seen) as client, pytest.raises(SageDataError) as caught:
        client.read_resource("APVendors", "SAMLTD")
    message = str(caught.value)
    assert "AP/APVendors" in message and "V0042" in message and field in message
    pages = [str(r.url) for r in seen if "$top=0" not in str(r.url)]
    assert len(pages) == 1  # asked once: the same body would come back on every retry
