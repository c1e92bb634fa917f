"""``farmdetect scan`` on the fault-injected WARC: the reference the engines are held to
(test_datatrove and test_spark compare their output with these lines)."""

from __future__ import annotations

from tests.integrations.conftest import ScanCase
from tests.integrations.warcs import FAULTS, fixture_pages


def expected(warc: str) -> list[tuple[str, str]]:
    """(id, outcome) of every record of faulty_warc, in file order, from how it was built."""
    out: list[tuple[str, str]] = []
    for i in range(len(fixture_pages())):
        out.append((f"<urn:uuid:page-{i}>", "scored"))
        fault = FAULTS[i % len(FAULTS)]
        if fault == "cut_member":  # no id to read: named by file and offset
            out.append((f"{warc}@", "error"))
        elif fault == "bad_http":
            out.append((f"<urn:uuid:bad_http-{i}>", "error"))
        elif fault == "wrong_length":  # the WARC length is right: the whole body is there
            out.append((f"<urn:uuid:wrong_length-{i}>", "scored"))
        elif fault == "not_html":
            out.append((f"<urn:uuid:not_html-{i}>", "skipped"))
        else:  # dup_id: the same id again, scored again
            out.append((f"<urn:uuid:page-{i}>", "scored"))
    return [*out, ("<urn:uuid:cut-tail>", "error")]


def test_scan_reports_every_faulty_record(faulty_case: ScanCase) -> None:
    warc = str(faulty_case.warcs[0])
    got = [(ln["id"], "skipped" if ln["skipped"] else "error" if ln["error"] else "scored")
           for ln in faulty_case.lines]
    want = expected(warc)
    assert len(got) == len(want)  # one line per record: read = scored + skipped + errors
    for (gid, gout), (wid, wout) in zip(got, want, strict=True):
        assert gout == wout and (gid == wid or (wid.endswith("@") and gid.startswith(wid))), (
            gid, wid)
    by_id = {ln["id"]: ln for ln in faulty_case.lines}
    assert "invalid HTTP headers" in by_id["<urn:uuid:bad_http-1>"]["error"]
    assert "truncated record" in by_id["<urn:uuid:cut-tail>"]["error"]
    assert by_id["<urn:uuid:not_html-3>"]["skipped"] == "not HTML (image/png)"
    # A wrong HTTP Content-Length changes nothing: same page, same score.
    assert by_id["<urn:uuid:wrong_length-2>"]["score"] == by_id["<urn:uuid:page-2>"]["score"]
