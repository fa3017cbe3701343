"""The import's writes (common.imports.insert_with_history): on PostgreSQL a COPY per table
(issue 18: the 10,000-row INSERTs took 20 s there), with the ids taken in the file's order,
each statement counted and logged like any other."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from admissions.imports import candidates_import
from admissions.models import Candidate, StepRecord

from .admissions_helpers import TODAY
from .import_rows import import_rows
from .xlsx_files import xlsx_upload


def _import(n, tree, users, prefix):
    with translation.override("en"):
        return candidates_import(
            upload=xlsx_upload(import_rows(n, prefix=prefix)), under=tree.district, user=users.admin, today=TODAY
        )


def test_ids_follow_the_file_and_each_record_has_its_history(tree, users):
    created = _import(30, tree, users, "Thứ Tự")
    ids = [c.pk for c in created]
    assert ids == sorted(ids) and len(set(ids)) == 30
    stored = dict(Candidate.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    assert [stored[pk] for pk in ids] == [c.full_name for c in created] == [f"Thứ Tự {i:05d}" for i in range(30)]
    history = Candidate.history.filter(id__in=ids)
    assert history.count() == 30 and set(history.values_list("history_type", flat=True)) == {"+"}
    assert set(history.values_list("history_user_id", flat=True)) == {users.admin.pk}
    steps = StepRecord.objects.filter(candidate_id__in=ids)
    assert StepRecord.history.filter(id__in=steps.values("pk")).count() == steps.count() > 0
    # New records after the import take new ids (the sequence moved past the ones taken).
    later = _import(2, tree, users, "Sau Đó")
    assert min(c.pk for c in later) > max(ids)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_on_postgresql_each_table_is_one_copy_counted_as_a_query(tree, users):
    _import(3, tree, users, "Khởi Động")
    with CaptureQueriesContext(connection) as captured:
        _import(50, tree, users, "Sao Chép")
    copies = [q["sql"] for q in captured if q["sql"].startswith("COPY ")]
    assert len(copies) == 6  # candidates, step records, admissions and their history tables
