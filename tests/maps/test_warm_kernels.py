"""``manage.py warm_kernels`` compiles both Numba kernels (each ``warm`` runs its kernel once)."""

from io import StringIO

from django.core.management import call_command

from annotations.review.agreement import kernel
from maps.builder import forest_kernel


def test_warm_kernels_runs_both_kernels(monkeypatch):
    ran = []
    monkeypatch.setattr(kernel, "warm", lambda: ran.append("agreement"))
    monkeypatch.setattr(forest_kernel, "warm", lambda: ran.append("lexical"))
    out = StringIO()

    call_command("warm_kernels", stdout=out)

    assert ran == ["agreement", "lexical"]
    assert out.getvalue().startswith("Kernels ready in ")


def test_each_warm_compiles_a_kernel_that_answers():
    # The real thing, from the cache the suite shares: both kernels run and give a result.
    kernel.warm()
    forest_kernel.warm()
    assert forest_kernel.spanning_pairs.signatures
    assert kernel.align_documents.signatures
