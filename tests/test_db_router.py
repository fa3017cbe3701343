from common.db import ReplicaRouter, report_reads


def test_report_reads_go_to_the_replica_when_there_is_one():
    router = ReplicaRouter(has_replica=True)
    assert router.db_for_read(None) == "default"
    with report_reads():
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) == "default"


def test_without_a_replica_everything_stays_on_the_primary():
    router = ReplicaRouter(has_replica=False)
    with report_reads():
        assert router.db_for_read(None) == "default"
    assert router.allow_migrate("replica", "reports") is False
