"""The pager's steps one at a time, on hand-made pages: no server, no HTTP.

Every fixture uses a page size P=4 and an overlap K=2 (so each page after the first re-reads 2 rows) over
keys "A".."Z"; the arithmetic of each expected `$skip` and count is in the comment beside it."""

from __future__ import annotations

import pytest

from sage_looker.sage300 import odata
from sage_looker.sage300.errors import SageBadResponse
from sage_looker.sage300.pager import Pager, page_cap_and_need, page_rows

BASE = "https://sage.test/Sage300WebApi"
FIRST = f"{BASE}/v1.0/-/SAMLTD/AP/APVendors?$top=4&$count=true"


def _pager(page_size: int = 4, overlap: int = 2) -> Pager:
    return Pager(FIRST, BASE, page_size, overlap, lambda rec: rec["id"], "SAMLTD AP/APVendors")


def _rows(keys: str) -> list[dict]:
    return [{"id": k} for k in keys]


def _page(keys: str, count: int | None = None, next_link: str | None = None) -> dict:
    doc: dict = {"value": _rows(keys)}
    if count is not None:
        doc["@odata.count"] = count
    if next_link is not None:
        doc["@odata.nextLink"] = next_link
    return doc


def _step(pager: Pager, doc: dict) -> list | None:
    """What the client does with one page: take it, then (if it was handed on) update the state."""
    new = pager.take(doc, doc["value"])
    if new is not None:
        pager.update_state(doc)
    return None if new is None else [k for k, _ in new]


def _skip(url: str) -> int | None:
    skip = odata.query_params(url).get("$skip")
    return None if skip is None else int(skip)


def test_first_request_is_the_first_url():
    assert _pager().next_request() == FIRST


def test_page_cap_and_budget_need_are_sized_on_the_served_page():
    # C=10 rows, server serves S=4 (= P), K=2: new rows per page = 4-2 = 2; slack = max(3*4, 10//5) = 12;
    # cap = ceil((10+12)/2) + 2 = 13; needed = ceil((10-4)/2) + 1 = 4.
    assert page_cap_and_need(10, 4, 4, 2) == (13, 4)
    # Web.config PageSize caps pages at S=3 below $top=4: new per page = 3-2 = 1; slack = max(9, 2) = 9;
    # cap = ceil((10+9)/1) + 2 = 21; needed = ceil((10-3)/1) + 1 = 8.
    assert page_cap_and_need(10, 3, 4, 2) == (21, 8)


def test_without_a_next_link_a_full_page_continues_with_our_skip_minus_the_overlap():
    pager = _pager()
    assert _step(pager, _page("ABCD", count=6)) == list("ABCD")
    # received position 0+4 = 4; back K=2: $skip = 4-2 = 2, and the next page must start with our tail C, D
    assert pager.has_more and _skip(pager.next_request()) == 2 and pager.expect_overlap == 2
    assert "$count" not in odata.query_params(pager.next_request())  # only the first request asks the count


def test_a_repeated_key_across_the_overlap_is_deduplicated_and_a_short_page_ends_the_pass():
    pager = _pager()
    _step(pager, _page("ABCD", count=6))
    # page 2 at $skip=2: C, D repeat the tail; E, F are new; 4 rows = P but the count 6 is reached: 6 keys
    assert _step(pager, _page("CDEF")) == list("EF")
    assert pager.has_more  # a full page without a nextLink still asks once more (the count may have grown)
    assert _skip(pager.next_request()) == 4  # position 2+4 = 6, back K=2
    # page 3 at $skip=4: E, F only; a short page (2 < P=4) without a nextLink ends the pass
    assert _step(pager, _page("EF")) == []
    assert not pager.has_more and pager.problem == ""
    assert pager.check_complete(6) == ""


def test_a_page_shorter_than_the_cap_ends_paging_at_once():
    pager = _pager()
    assert _step(pager, _page("ABC", count=3)) == list("ABC")  # 3 < P=4, 3 of 3 counted: done
    assert not pager.has_more and pager.index == 1


def test_an_insert_before_the_window_is_drift_that_dirties_the_pass_but_reads_on():
    pager = _pager()
    _step(pager, _page("ABDE", count=6))
    # Someone inserts C before our position: at $skip=2 Sage now serves C, D, E, F instead of D, E, ...
    # Our tail (D, E) is found at positions 1..2, so new rows start after E (position 2+1 = 3): only F.
    assert _step(pager, _page("CDEF")) == ["F"]
    assert pager.shift == "1 row(s) were inserted before row 4 between pages 1 and 2"  # skip 2 + K 2 = row 4
    assert pager.problem == ("1 row(s) were inserted before row 4 between pages 1 and 2: the part already "
                             "read changed")


def test_a_shift_larger_than_the_overlap_restarts_the_pass_without_handing_the_page_on():
    pager = _pager()
    _step(pager, _page("ABCD", count=8))
    # 3 rows inserted before our place: at $skip=2 Sage serves X, Y, Z, W: neither C nor D is there
    assert _step(pager, _page("XYZW")) is None
    assert not pager.has_more and pager.index == 1  # the page was not counted as taken
    assert pager.restart == ("rows moved by more than 2 positions (inserts/deletes) before row 4 between pages "
                             "1 and 2; lost our place in the table")
    assert pager.problem == pager.restart


def test_a_next_link_wins_over_our_own_skip_but_its_skip_is_moved_back_by_the_overlap():
    pager = _pager()
    link = f"{BASE}/v1.0/-/SAMLTD/AP/APVendors?$top=4&$skip=4"
    _step(pager, _page("ABCD", count=9, next_link=link))
    # the server's link says $skip=4; we rewrite it to 4-2 = 2 to re-read the tail C, D
    assert odata.query_params(pager.next_request()) == {"$top": "4", "$skip": "2"}


def test_a_next_link_paging_token_without_skip_is_followed_verbatim_with_no_overlap():
    pager = _pager()
    link = f"{BASE}/v1.0/-/SAMLTD/AP/APVendors?$skiptoken='D'"
    _step(pager, _page("ABCD", count=9, next_link=link))
    assert pager.next_request() == link and pager.expect_overlap == 0 and pager.req_skip == 4


def test_a_next_link_to_an_internal_host_is_rebased_onto_the_configured_url():
    pager = _pager()
    # IIS behind a reverse proxy writes its own scheme, host and port into the link
    _step(pager, _page("ABCD", count=9,
                       next_link="http://iis-internal:8080/Sage300WebApi/v1.0/-/SAMLTD/AP/APVendors?$skip=4&$top=4"))
    assert pager.next_request() == f"{BASE}/v1.0/-/SAMLTD/AP/APVendors?$skip=2&$top=4"


def test_a_next_link_past_the_end_bringing_only_known_rows_ends_the_pass():
    pager = _pager()
    link = f"{BASE}/v1.0/-/SAMLTD/AP/APVendors?$skiptoken=x"
    _step(pager, _page("ABCD", count=4, next_link=link))
    assert pager.has_more  # a nextLink is followed even when the count is reached
    assert _step(pager, _page("ABCD", next_link=link)) == []  # nothing new, all 4 counted: stop
    assert not pager.has_more


def test_two_full_pages_without_a_new_key_is_a_looping_next_link():
    pager = _pager()
    link = f"{BASE}/v1.0/-/SAMLTD/AP/APVendors?$skiptoken=x"
    _step(pager, _page("ABCD", count=12, next_link=link))
    _step(pager, _page("ABCD", next_link=link))  # first stall: 4 of 12 read, full page, go on
    with pytest.raises(SageBadResponse, match=r"made no progress: two pages in a row .* Read 4 of 12 records"):
        _step(pager, _page("ABCD", next_link=link))


def test_passing_the_page_cap_restarts_the_pass():
    pager = _pager(page_size=2, overlap=0)
    # C=1, P=S=2, K=0: new per page 2, slack max(6, 0) = 6: cap = ceil((1+6)/2) + 2 = 6 pages
    pages = ["AB", "CD", "EF", "GH", "IJ", "KL"]
    for keys in pages:
        _step(pager, _page(keys, count=1))
    assert not pager.has_more and pager.index == 6
    assert pager.restart.startswith("paging did not end after 6 pages although $count said 1")


def test_an_empty_page_ends_the_pass():
    pager = _pager(overlap=0)
    _step(pager, _page("ABCD", count=8))
    assert _step(pager, _page("")) == [] and not pager.has_more


def test_final_count_mismatch_is_the_current_problem_text():
    pager = _pager()
    _step(pager, _page("ABC", count=3))
    assert pager.check_complete(None) == ""  # no final count: unchecked, not refused
    # 3 distinct keys read, Sage now counts 4: one row inserted in the part already read
    assert pager.check_complete(4) == ("read 3 distinct records but Sage now counts 4 (rows were inserted or "
                                       "deleted in the part already read)")


def test_a_page_without_a_value_array_is_refused():
    with pytest.raises(SageBadResponse, match="no 'value' array"):
        page_rows({"error": "x"}, FIRST, 200)
    assert page_rows({"value": []}, FIRST, 200) == []
