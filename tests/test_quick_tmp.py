import cProfile, pstats, time
import pytest
from debate.importers import read_json_list
from debate.imports.services import documents_import
from tests.scenes import role_world


@pytest.mark.django_db
def test_quick():
    w = role_world()
    docs = [{"text": f"Document {i} " + "word and “café” " * 200} for i in range(5000)]
    pr = cProfile.Profile()
    pr.enable()
    t = time.perf_counter()
    for p in documents_import(debate=w.debate, items=read_json_list(docs)):
        pass
    dt = time.perf_counter() - t
    pr.disable()
    print(p.counts(), dt, 5000 / dt)
    pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
