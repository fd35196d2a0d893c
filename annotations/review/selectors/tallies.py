"""A debate's agreement kept per document: each document's tally stored, the debate's summed.

Each document with two or more submitted layers has a ``DocumentAgreement`` row: the
``Tally`` of its layers (``annotations.review.agreement.counts``) under the key of those
layers, which the database computes from the document's submitted assignments (how many, the
sums of their ids and of their annotators' ids, the latest change to any of them) and
``TALLY_VERSION``. A submitted layer refuses every write, so a layer changes only through its
assignment (a submission, a reopening, an edit in the admin), which saves the assignment and
so changes the key. The debate's ``DebateAgreementTotal`` is the sum of its rows, changed by
each row's difference under a lock on it.

- ``document_tally_refresh`` counts one document again; a submission calls it in its
  transaction (a few milliseconds: one document's alignment and the total's difference).
- ``debate_tally_get`` returns the debate's total after counting every document whose row is
  missing or stale and taking out rows of documents no longer compared (or deleted), in chunks
  of ``CHUNK`` documents, each its own short transaction. It looks only at the documents whose
  assignments changed since the last read (``MARGIN`` before it began), and at every document
  once in ``FULL_CHECK_EVERY``. Right after the migration every row is missing;
  ``manage.py count_agreement`` counts them ahead of the first request.
- A cold read (the API's, ``fill_later``) that finds ``AGREEMENT_QUICK_FROM`` documents or more
  to count writes no row: it counts every compared document at once (``_quick_total``,
  ``annotations.review.agreement.quick``) and asks a task for the rows
  (``debate_tally_fill``), which a read then sums.

These are reads that fill a cache: what they write is derived from the layers alone, and any
row can be dropped and counted again.
"""

import logging
import zlib
from collections.abc import Callable, Collection, Hashable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import orjson
from celery import current_app as celery_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from annotations.models import (
    Assignment,
    AssignmentStatus,
    DebateAgreementTotal,
    DocumentAgreement,
    DocumentAgreementTally,
)
from annotations.review.agreement.bulk import rows_tally
from annotations.review.agreement.counts import (
    tally_data,
    tally_from_data,
    tally_merge,
)
from annotations.review.agreement.quick import quick_tally
from annotations.review.agreement.report import Tally
from annotations.review.selectors.layers import annotated_rows, layer_columns
from core.db.any_of import AnyOf
from core.db.bulk_insert import insert_rows
from core.db.read_ahead import read_ahead
from core.memory import collector_paused
from debate.models import Debate, Document

# Part of every row's key: bump it with any change to what a tally holds or to the figures
# computed from it, and every row is counted again on the next read.
TALLY_VERSION = 1
# Documents counted per transaction when filling rows.
CHUNK = 2000
# How far back a quick check looks for assignments changed before it began: longer than any
# transaction that changes an assignment stays open.
MARGIN = timedelta(minutes=2)
# How often every document's key is checked: what changed an assignment without saving it
# (a bulk update, a deleted user) is caught within this.
FULL_CHECK_EVERY = timedelta(hours=1)

# A cold read counts this many documents a chunk by quick_tally, the next chunk read
# meanwhile: at 27 spans a document the process peaked at 467 MB (804 MB with 25,000, no
# faster; bench/notes/agreement_quick.md).
QUICK_CHUNK = 10_000
# The task that fills a debate's rows after a cold read, and how long a read waits before
# asking again if it never ran (longer than it takes at 100,000 documents).
FILL_TASK = "annotations.tasks.fill_agreement_rows"
FILL_PENDING_SECONDS = 15 * 60

_SUBMITTED = Q(assignments__status=AssignmentStatus.SUBMITTED)
logger = logging.getLogger(__name__)


def tally_bytes(tally: Tally, keys: dict[Hashable, Any] | None = None) -> bytes:
    """Return a tally as stored: compressed JSON (``keys`` as ``tally_data`` takes it)."""
    return zlib.compress(orjson.dumps(tally_data(tally, keys)), 1)


def tally_from_bytes(data: bytes) -> Tally:
    """Return the tally ``tally_bytes`` stored."""
    return tally_from_data(orjson.loads(zlib.decompress(data)))


def document_tally_refresh(*, document: Document) -> None:
    """Count one document's agreement again from its submitted layers, in this transaction."""
    keys = dict(_layer_keys(debate_id=document.debate_id, document_ids=[document.pk]))
    _count(document.debate, keys, gone=_gone_rows(document.debate, [document.pk]))


def debate_tally_get(
    *,
    debate: Debate,
    progress: Callable[[int, int], None] | None = None,
    full_check: bool = False,
    fill_later: bool = False,
) -> Tally:
    """Return the debate's agreement tally, counting first what is missing or stale.

    Usually only the documents whose assignments changed since the last read are checked
    (their keys against their rows'); every document's key is checked when ``full_check``
    asks for it, on the first read, when an annotator counted is gone, and once an hour.
    ``progress`` is called with (documents counted, documents to count) after each chunk.

    With ``fill_later``, when ``AGREEMENT_QUICK_FROM`` documents or more are missing or stale
    (a cold count), the tally is counted at once over every compared document
    (``quick_tally``: the same counts, compiled and vectorised) and a task is asked to fill
    the rows (``debate_tally_fill``); the rows are what makes the next reads fast.
    """
    started = timezone.now()
    total = DebateAgreementTotal.objects.filter(debate=debate).first()
    if not _total_is_sum_of_rows(debate, total):
        total = _total_rebuild(debate)
    renamed, forget = _renamed_documents(total) if total is not None else ([], [])
    full = (
        full_check
        or bool(forget)
        or total is None
        or total.changes_seen_until is None
        or total.checked_at is None
        or total.checked_at < started - FULL_CHECK_EVERY
    )
    if full:
        stale = dict(_stale_keys(debate))
        gone = _gone_rows(debate, None)
    else:
        changed = set(
            Assignment.objects.filter(
                document__debate=debate, updated_at__gte=total.changes_seen_until
            ).values_list("document_id", flat=True)
        )
        stale = _changed_keys(debate, changed)
        gone = _gone_rows(debate, changed)
    # A renamed annotator's documents keep their keys but not their figures.
    stale.update(_layer_keys(debate_id=debate.pk, document_ids=renamed))
    ids = sorted(stale)
    if gone:
        _count(debate, {}, gone=gone)
    if fill_later and len(ids) >= settings.AGREEMENT_QUICK_FROM:
        # Not recorded as checked: until the rows are filled, every read checks every key.
        tally = _quick_total(debate)
        _fill_later(debate)
        return tally
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _count(debate, {pk: stale[pk] for pk in chunk}, gone=[])
        if progress is not None:
            progress(start + len(chunk), len(ids))
    _checked(debate, total, started=started, full=full, forget=forget)
    if not stale and not gone:
        return Tally() if total is None else tally_from_bytes(total.tally)
    return tally_from_bytes(DebateAgreementTotal.objects.get(debate=debate).tally)


def debate_tally_fill(*, debate_id: int) -> None:
    """Fill the debate's missing and stale rows, as a read does (the task a cold read asks for)."""
    debate = Debate.objects.filter(pk=debate_id).first()
    try:
        if debate is not None:
            debate_tally_get(debate=debate, full_check=True)
    finally:
        cache.delete(_fill_key(debate_id))


def _quick_total(debate: Debate) -> Tally:
    """Return the tally of every compared document of the debate, counted by ``quick_tally``.

    In chunks of ``QUICK_CHUNK`` documents (each chunk's columns, alignments and counts are
    freed before the next but one), summed.
    """
    ids = sorted(_compared(debate.pk).values_list("pk", flat=True).order_by())
    chunks = [ids[start : start + QUICK_CHUNK] for start in range(0, len(ids), QUICK_CHUNK)]
    total = Tally()
    # The next chunk is read (PostgreSQL's work, on another core) while this one is counted.
    for columns in read_ahead(
        partial(layer_columns, debate=debate, document_ids=chunk) for chunk in chunks
    ):
        tally_merge(total, quick_tally(columns))
    return total


def _fill_key(debate_id: int) -> str:
    return f"agreement:fill:{debate_id}"


def _fill_later(debate: Debate) -> None:
    """Ask a worker to fill the debate's rows, unless it was asked already."""
    if not cache.add(_fill_key(debate.pk), True, FILL_PENDING_SECONDS):
        return
    try:
        celery_app.tasks[FILL_TASK].apply_async(kwargs={"debate_id": debate.pk}, ignore_result=True)
    except Exception as error:  # the broker is unreachable: the next cold read asks again
        cache.delete(_fill_key(debate.pk))
        logger.warning("Could not ask for the agreement rows of %s: %r", debate.slug, error)


def _checked(
    debate: Debate,
    total: DebateAgreementTotal | None,
    *,
    started: datetime,
    full: bool,
    forget: list[int],
) -> None:
    """Record how far this check got, unless a later one recorded more already.

    A full check also forgets the annotators ``forget`` who are gone.
    """
    # A change saved before ``started`` may commit after this read began; MARGIN looks back
    # over such late commits (test_a_change_committed_late_is_seen_by_the_next_read).
    seen = started - MARGIN
    totals = DebateAgreementTotal.objects.filter(debate=debate)
    # Moved on once a minute at most, so a read that finds nothing to do writes nothing.
    if (
        total is None
        or total.changes_seen_until is None
        or total.changes_seen_until < seen - MARGIN / 2
    ):
        totals.filter(Q(changes_seen_until__isnull=True) | Q(changes_seen_until__lt=seen)).update(
            changes_seen_until=seen
        )
    if full:
        totals.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=started)).update(
            checked_at=started
        )
    if forget:
        with transaction.atomic():
            kept = totals.select_for_update().first()
            if kept is not None:
                for pk in forget:
                    kept.annotators.pop(str(pk), None)
                kept.save(update_fields=["annotators"])


def _changed_keys(debate: Debate, document_ids: Collection[int]) -> dict[int, str]:
    """Return those of the documents whose row is missing or stale, with their current key."""
    if not document_ids:
        return {}
    current = dict(_layer_keys(debate_id=debate.pk, document_ids=document_ids))
    kept = dict(
        DocumentAgreement.objects.filter(debate=debate, document_id__in=current)
        .values_list("document_id", "layers_key")
        .order_by()
    )
    return {pk: key for pk, key in current.items() if kept.get(pk) != key}


def _layers_key() -> Concat:
    """Return the key of a document's submitted layers, as the database computes it."""
    parts = (
        Count("assignments", filter=_SUBMITTED),
        Sum("assignments__id", filter=_SUBMITTED),
        Sum("assignments__annotator_id", filter=_SUBMITTED),
        Max("assignments__updated_at", filter=_SUBMITTED),
    )
    pieces: list = [Value(f"v{TALLY_VERSION}")]
    for part in parts:
        pieces += [Value(":"), Cast(part, CharField())]
    return Concat(*pieces, output_field=CharField())


def _compared(debate_id: int) -> QuerySet[Document]:
    return (
        Document.objects.filter(debate_id=debate_id)
        .annotate(layers=Count("assignments", filter=_SUBMITTED))
        .filter(layers__gte=2)
    )


def _layer_keys(*, debate_id: int, document_ids: Collection[int]) -> Iterable[tuple[int, str]]:
    if not document_ids:
        return []
    return (
        _compared(debate_id)
        .filter(pk__in=document_ids)
        .annotate(key=_layers_key())
        .values_list("pk", "key")
        .order_by()
    )


def _stale_keys(debate: Debate) -> Iterable[tuple[int, str]]:
    """Return the compared documents whose row is missing or stale, with their current key."""
    return (
        _compared(debate.pk)
        .annotate(key=_layers_key(), kept=Max("agreement__layers_key"))
        .filter(Q(kept__isnull=True) | ~Q(kept=F("key")))
        .values_list("pk", "key")
        .order_by()
    )


def _gone_rows(debate: Debate, document_ids: Collection[int] | None) -> list[int]:
    """Return the rows of documents that are deleted or no longer compared."""
    rows = DocumentAgreement.objects.filter(debate=debate)
    compared = _compared(debate.pk)
    if document_ids is not None:
        rows = rows.filter(Q(document_id__in=document_ids) | Q(document__isnull=True))
        compared = compared.filter(pk__in=document_ids)
    return list(
        rows.exclude(document__in=compared.values("pk")).values_list("pk", flat=True).order_by()
    )


def _renamed_documents(total: DebateAgreementTotal) -> tuple[list[int], list[int]]:
    """Return the documents with a submitted layer by an annotator renamed since counted.

    And the annotators counted who are gone: their assignments went without a trace, so
    only a full check finds their documents.
    """
    counted = {int(pk): name for pk, name in total.annotators.items()}
    now = dict(
        get_user_model()
        .objects.filter(pk__in=counted)
        .values_list("pk", get_user_model().USERNAME_FIELD)
    )
    forget = [pk for pk in counted if pk not in now]
    renamed = [pk for pk, name in counted.items() if now.get(pk, name) != name]
    if not renamed:
        return [], forget
    documents = (
        Assignment.objects.filter(
            document__debate_id=total.debate_id,
            annotator_id__in=renamed,
            status=AssignmentStatus.SUBMITTED,
        )
        .values_list("document_id", flat=True)
        .distinct()
    )
    return list(documents), forget


def _total_is_sum_of_rows(debate: Debate, total: DebateAgreementTotal | None) -> bool:
    rows = DocumentAgreement.objects.filter(debate=debate).aggregate(
        n=Count("pk"), revisions=Sum("revision")
    )
    if total is None:
        return rows["n"] == 0
    return rows["n"] == total.rows and (rows["revisions"] or 0) == total.revisions


@transaction.atomic
def _total_rebuild(debate: Debate) -> DebateAgreementTotal:
    """Sum the debate's rows again: someone changed them without changing the total."""
    total, _created = DebateAgreementTotal.objects.select_for_update().get_or_create(debate=debate)
    tally = Tally()
    rows = revisions = latest = 0
    for revision, data in (
        DocumentAgreement.objects.filter(debate=debate)
        .values_list("revision", "counts__tally")
        .iterator(chunk_size=500)
    ):
        tally_merge(tally, tally_from_bytes(bytes(data)))
        rows += 1
        revisions += revision
        latest = max(latest, revision)
    total.rows, total.revisions, total.tally = rows, revisions, tally_bytes(tally)
    total.last_revision = max(total.last_revision, latest)
    total.save(update_fields=["rows", "revisions", "last_revision", "tally"])
    return total


def _count(debate: Debate, keys: dict[int, str], *, gone: list[int]) -> None:
    """Count the documents of ``keys`` again and take out the rows ``gone``, in one transaction.

    The layers are read and counted before the total is locked, so a submission elsewhere in
    the debate waits only for the rows to be written. A document changed meanwhile gets a row
    under its old key, which the next read finds stale and counts again.
    """
    if not keys and not gone:
        return
    # A chunk's tallies are millions of small objects without cycles: the cyclic collector's
    # passes over them took two fifths of the counting.
    with collector_paused():
        _count_chunk(debate, keys, gone=gone)


def _count_chunk(debate: Debate, keys: dict[int, str], *, gone: list[int]) -> None:
    documents = annotated_rows(debate=debate, document_ids=list(keys)) if keys else []
    fresh = [(document[0], rows_tally(*document)) for document in documents]
    value_keys: dict[Hashable, Any] = {}
    stored = {pk: tally_bytes(tally, value_keys) for pk, tally in fresh}
    names = dict(
        Assignment.objects.filter(
            AnyOf("document_id", list(keys)), status=AssignmentStatus.SUBMITTED
        )
        .values_list("annotator_id", "annotator__username")
        .distinct()
        .order_by()
    )
    with transaction.atomic():
        total, _created = DebateAgreementTotal.objects.select_for_update().get_or_create(
            debate=debate
        )
        tally = tally_from_bytes(total.tally) if total.tally else Tally()
        replaced = DocumentAgreement.objects.filter(
            Q(pk__in=gone) | Q(AnyOf("document_id", list(keys)), debate=debate)
        )
        # Unordered: the model's ordering joined the debates and documents to sort by title. A
        # tally taken away in any order leaves the same counts, in the same order.
        for revision, data in replaced.values_list("revision", "counts__tally").order_by():
            tally_merge(tally, tally_from_bytes(bytes(data)), -1)
            total.rows -= 1
            total.revisions -= revision
        replaced.delete()
        rows = []
        for pk, document_tally_ in fresh:
            total.last_revision += 1
            rows.append(
                DocumentAgreement(
                    debate=debate,
                    document_id=pk,
                    layers_key=keys[pk],
                    revision=total.last_revision,
                )
            )
            tally_merge(tally, document_tally_)
            total.rows += 1
            total.revisions += total.last_revision
        # COPY: bulk_create quotes each value into the statement in Python (each tally's
        # bytes too); the rows' ids are read back (a document has one row at most).
        insert_rows(DocumentAgreement, rows)
        ids = dict(
            DocumentAgreement.objects.filter(AnyOf("document_id", list(stored)))
            .values_list("document_id", "pk")
            .order_by()
        )
        insert_rows(
            DocumentAgreementTally,
            (DocumentAgreementTally(row_id=ids[pk], tally=data) for pk, data in stored.items()),
        )
        total.annotators = {**total.annotators, **{str(pk): name for pk, name in names.items()}}
        total.tally = tally_bytes(tally)
        total.save(update_fields=["rows", "revisions", "last_revision", "annotators", "tally"])
