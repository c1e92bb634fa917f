"""datatrove blocks: ``FarmFilter`` drops content-farm pages, ``FarmAnnotator`` only labels them,
``FarmWarcReader`` reads WARCs as ``farmdetect scan`` does.

Both scoring blocks read the page's HTML, so they must sit where ``doc.text`` still holds the raw
HTML: right after the reader (``FarmWarcReader``, or datatrove's ``WarcReader``, which drops some
pages: see ``FarmWarcReader``) and before any text extraction (``Trafilatura``, ``Inscriptis``...).
After extraction the hashtag lines, recommendation blocks and template chrome farmdetect looks
for are gone; a document whose text does not look like HTML is counted in the ``not_html``
stat and passed through untouched. Example::

    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.writers import JsonlWriter
    from farmdetect.integrations.datatrove import FarmFilter, FarmWarcReader

    pipeline = [
        FarmWarcReader("s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/",
                       glob_pattern="*/warc/*.warc.gz"),
        FarmFilter(exclusion_writer=JsonlWriter("out/removed/farmdetect")),
        Trafilatura(favour_precision=True),
        JsonlWriter("out/kept"),
    ]

The model is loaded once per worker process, on the first document (not when the pipeline is
built), so the blocks pickle small and each Slurm/local task pays the load once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from farmdetect.integrations import require

_WHAT = "farmdetect.integrations.datatrove"
_base = require("datatrove.pipeline.base", "datatrove", _WHAT)
_filters = require("datatrove.pipeline.filters.base_filter", "datatrove", _WHAT)
_readers = require("datatrove.pipeline.readers.base", "datatrove", _WHAT)
# datatrove's own (loguru) logger: its messages land in each task's log file under the
# executor's logging_dir, beside the stats; the stdlib logging of farmdetect's other modules
# only reaches the worker's stderr, where a Slurm or Spark-launched run loses them.
log = require("datatrove.utils.logging", "datatrove", _WHAT).logger

# Where the verdict goes in doc.metadata (FarmAnnotator) and the reason used without a marker.
METADATA_KEY = "farmdetect"
SCORE_REASON = "farmdetect.score"
# doc.text counts as HTML when one of these tags appears in its first characters; extracted
# plain text (after Trafilatura, or WET records) has none. 20k chars covers long <head>s that
# start with inline scripts or comments before the first listed tag.
HTML_SNIFF_CHARS = 20_000
_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|a|span|meta|title|table|br|li|h[1-6])\b", re.I
)


def looks_like_html(text: str) -> bool:
    """True when the text has HTML tags near its start (raw HTML, not extracted text)."""
    return bool(_HTML_TAG.search(text[:HTML_SNIFF_CHARS]))


class _Scoring:
    """Shared by both blocks: lazy per-worker scorer, HTML check, one doc -> scan record."""

    def _setup_scoring(self, model_dir: str | None, threshold: float | None) -> None:
        self.model_dir = model_dir
        self.threshold = threshold
        self._scorer: Any = None
        self._warned_not_html = False

    def __getstate__(self) -> dict[str, Any]:
        # The LightGBM booster stays out of the pickle shipped to workers; each loads its own.
        state = dict(self.__dict__)
        state["_scorer"] = None
        return state

    @property
    def scorer(self) -> Any:
        """The Scorer, loaded on first use in this process (once per worker)."""
        if self._scorer is None:
            from farmdetect.scorer import Scorer

            self._scorer = Scorer.load(self.model_dir, self.threshold)
        return self._scorer

    def score_doc(self, doc: Any) -> dict[str, Any] | None:
        """The ``farmdetect scan`` line of one document, or None when doc.text is not HTML."""
        from farmdetect.batch import PAGE_TIMEOUT_S, score_task

        if not looks_like_html(doc.text):
            self.stat_update("not_html")  # type: ignore[attr-defined]
            if not self._warned_not_html:
                self._warned_not_html = True
                log.warning(
                    "{} got a document whose text is not HTML (id {}): place it right after "
                    "WarcReader, before text extraction", type(self).__name__, doc.id,
                )  # fmt: skip
            return None
        # The scan's own per-page path: same Page, same scores, errors and timeouts as lines.
        line = score_task(self.scorer, (doc.id, doc.metadata.get("url"), doc.text,
                                        doc.metadata.get("content_type")), PAGE_TIMEOUT_S)
        if line["error"] is not None:
            self.stat_update("farmdetect_error")  # type: ignore[attr-defined]
        elif line["skipped"] is not None:
            self.stat_update("farmdetect_skipped")  # type: ignore[attr-defined]
        else:
            self.stat_update(f"farmdetect_{line['label'] or 'unscored'}")  # type: ignore[attr-defined]
        return line


class FarmFilter(_Scoring, _filters.BaseFilter):  # type: ignore[name-defined,misc]
    """Drop pages farmdetect judges to be content farms; keep everything else.

    Place right after ``WarcReader``, before text extraction (it reads the raw HTML). The drop
    reason is the verdict's top marker name (e.g. ``hashtags.title_echo``), so datatrove counts
    ``dropped_<marker>`` per reason and the ``exclusion_writer`` stores it in
    ``doc.metadata["filter_reason"]``; the full verdict goes to ``doc.metadata["farmdetect"]``
    of dropped documents. Documents that are not HTML or fail to parse are kept (and counted in
    the ``not_html`` / ``farmdetect_error`` stats).

    Args:
        model_dir: model directory (default: $FARMDETECT_MODEL_DIR, else the shipped model).
        threshold: override the model's farm threshold.
        exclusion_writer: datatrove writer that receives the dropped documents.
    """

    name = "🌾 farmdetect"

    def __init__(
        self,
        model_dir: str | None = None,
        threshold: float | None = None,
        exclusion_writer: Any = None,
    ) -> None:
        super().__init__(exclusion_writer=exclusion_writer)
        self._setup_scoring(model_dir, threshold)

    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        record = self.score_doc(doc)
        if record is None or record["label"] != "farm":
            return True
        doc.metadata[METADATA_KEY] = _metadata(record)
        return False, (record["reasons"] or [SCORE_REASON])[0]


class FarmAnnotator(_Scoring, _base.PipelineStep):  # type: ignore[name-defined,misc]
    """Add farmdetect's verdict to ``doc.metadata["farmdetect"]``; drop nothing.

    Place right after ``WarcReader``, before text extraction (it reads the raw HTML). The value
    is a dict: score, label ("farm"/"ok"), threshold, reasons (top marker names), markers,
    fingerprints, error — the ``farmdetect scan`` record without id/url/host (those are the
    document's own ``id`` and ``metadata["url"]``). Documents whose text is not HTML get no
    key and are counted in the ``not_html`` stat.

    Args:
        model_dir: model directory (default: $FARMDETECT_MODEL_DIR, else the shipped model).
        threshold: override the model's farm threshold.
    """

    name = "🌾 farmdetect annotator"
    type = "📝 - ANNOTATOR"

    def __init__(self, model_dir: str | None = None, threshold: float | None = None) -> None:
        super().__init__()
        self._setup_scoring(model_dir, threshold)

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                record = self.score_doc(doc)
            if record is not None:
                doc.metadata[METADATA_KEY] = _metadata(record)
            yield doc


class FarmWarcReader(_readers.BaseDiskReader):  # type: ignore[name-defined,misc]
    """Read WARC files the way ``farmdetect scan`` does, so ``FarmFilter`` sees what scan sees.

    datatrove's own ``WarcReader`` reads ``response`` records only, keeps a record only when its
    ``WARC-Identified-Payload-Type`` is exactly ``text/html`` (or libmagic guesses so), and
    decodes with its own charset guess: pages a crawler stored as ``resource`` records, with a
    payload type such as ``text/html; charset=...``, or whose bytes libmagic calls text/plain
    never reach the filter, and a page can be decoded differently from scan. This reader uses
    farmdetect's WARC reader (fastwarc; survives corrupt gzip members and truncated records) and
    farmdetect's decoder (BOM, HTTP charset, meta charset, then detection): every record scan
    would score becomes a document, with ``doc.id`` the WARC-Record-ID, ``doc.text`` the page
    decoded as scan decodes it, and ``metadata`` holding ``url``, ``content_type`` (the HTTP
    header) and ``encoding``. Records scan skips (not HTML) or cannot read are counted in the
    ``skipped`` / ``read_error`` stats, and each unreadable one is named (id and reason, as in
    scan's error line) in the task's log: documents + skipped + read_error = records, never a
    silent loss.

    Args: as datatrove's ``WarcReader`` (``data_folder``, ``paths_file``, ``limit``, ``skip``,
    ``glob_pattern``, ``recursive``...); ``max_bytes`` caps one record's body (scan's default).
    Remote folders (s3://...) are copied one file at a time to a temporary file first.
    """

    name = "🌾 farmdetect WARC reader"

    def __init__(self, data_folder: Any, paths_file: Any = None, limit: int = -1,
                 skip: int = 0, file_progress: bool = False, doc_progress: bool = False,
                 default_metadata: dict[str, Any] | None = None, recursive: bool = True,
                 glob_pattern: str | None = None, shuffle_files: bool = False,
                 max_bytes: int | None = None) -> None:
        super().__init__(data_folder, paths_file, limit, skip, file_progress, doc_progress,
                         None, "text", "id", default_metadata, recursive, glob_pattern,
                         shuffle_files)
        self.max_bytes = max_bytes

    def read_file(self, filepath: str) -> Iterator[Any]:
        import tempfile

        from farmdetect.warc import MAX_RECORD_BYTES

        local = _local_path(self.data_folder, filepath)
        if local is not None:
            yield from self._documents(local, filepath, self.max_bytes or MAX_RECORD_BYTES)
            return
        with tempfile.NamedTemporaryFile(suffix=".warc.gz") as tmp:
            with self.data_folder.open(filepath, "rb") as src:
                while chunk := src.read(1 << 20):
                    tmp.write(chunk)
            tmp.flush()
            yield from self._documents(tmp.name, filepath, self.max_bytes or MAX_RECORD_BYTES)

    def _documents(self, path: str, filepath: str, max_bytes: int) -> Iterator[Any]:
        from farmdetect.page import decode_page_bytes
        from farmdetect.warc import read_warc

        for i, rec in enumerate(read_warc(path, max_bytes)):
            if rec.error is not None:
                self.stat_update("read_error")
                log.warning("{}: {}: {}", filepath, rec.id, rec.error)
                continue
            if rec.skipped is not None or not isinstance(rec.body, bytes):
                self.stat_update("skipped")
                continue
            with self.track_time():
                text, encoding = decode_page_bytes(rec.body, rec.content_type)
                doc = self.get_document_from_dict(
                    {"text": text, "id": rec.id, "metadata": {
                        "url": rec.url, "content_type": rec.content_type,
                        "encoding": encoding}},
                    filepath, i)
            if doc is not None:
                yield doc


def _local_path(folder: Any, filepath: str) -> str | None:
    """The local file path of ``filepath`` in a datatrove DataFolder, None when remote."""
    protocol = getattr(folder.fs, "protocol", "file")
    protocols = (protocol,) if isinstance(protocol, str) else tuple(protocol)
    if "file" not in protocols and "local" not in protocols:
        return None
    return str(folder.resolve_paths(filepath))


def _metadata(record: dict[str, Any]) -> dict[str, Any]:
    """The verdict stored on a document: the scan line minus what the document already has."""
    return {k: v for k, v in record.items() if k not in ("id", "url")}


def record_from_doc(doc_dict: dict[str, Any]) -> dict[str, Any] | None:
    """Rebuild a ``farmdetect scan`` record from a written document (for ``farmdetect sources``).

    ``doc_dict`` is one line of a datatrove JsonlWriter output (``id``, ``metadata``).
    """
    meta = doc_dict.get("metadata") or {}
    verdict = meta.get(METADATA_KEY)
    if verdict is None:
        return None
    return {"id": doc_dict.get("id"), "url": meta.get("url"), **verdict}
