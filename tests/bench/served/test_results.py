"""bench/served/results.py: the figures and the result file every served benchmark writes."""

import json

from bench.served import results
from bench.served.results import LOAD_AT_START, figure, percentile, save_result


def test_percentile_is_the_nearest_rank():
    samples = [float(n) for n in range(20, 0, -1)]  # 20 samples, unordered

    assert (percentile(samples, 50), percentile(samples, 95), percentile(samples, 100)) == (
        10.0,
        19.0,
        20.0,
    )
    assert percentile([7.0], 95) == 7.0
    assert percentile([3.0, 1.0, 2.0], 0) == 1.0  # at least the first


def test_a_figure_passes_its_target_in_its_direction():
    assert figure("p95", 29.9996, "ms", 30) == {
        "name": "p95",
        "value": 30.0,
        "unit": "ms",
        "target": 30,
        "target_op": "<=",
        "pass": True,
    }
    assert figure("share", 49.0, "%", 50, higher_is_better=True)["pass"] is False
    assert figure("share", 50.0, "%", 50, higher_is_better=True)["target_op"] == ">="
    assert figure("info", 1.0, "s", None)["pass"] is None


def test_save_result_writes_the_result_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(results, "RESULTS", tmp_path / "results")
    monkeypatch.setitem(LOAD_AT_START, "agreement", 1.25)
    monkeypatch.setattr(results.os, "getloadavg", lambda: (2.3456, 0.0, 0.0))

    save_result("agreement", "small", [figure("median", 1.5, "s", 10)], {"runs": 3})

    written = json.loads((tmp_path / "results" / "agreement.json").read_text())
    assert list(written) == [
        "benchmark",
        "scale",
        "date",
        "load_average",
        "figures",
        "details",
    ]
    assert (written["benchmark"], written["scale"], written["load_average"]) == (
        "agreement",
        "small",
        [1.25, 2.35],
    )
    assert written["figures"] == [figure("median", 1.5, "s", 10)]
    assert written["details"] == {"runs": 3}
    assert "agreement: median = 1.5 s (target <= 10) PASS" in capsys.readouterr().out
