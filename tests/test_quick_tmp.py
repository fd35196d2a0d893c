import json, time
import pytest
from rest_framework.test import APIClient
from debate.models import Document
from tests.scenes import role_world

@pytest.mark.django_db
def test_quick():
    w = role_world()
    c = APIClient(); c.force_authenticate(w.users["man"])
    docs = [{"text": f"Document {i} " + "word " * 600} for i in range(3000)]
    docs[5] = {"text": ""}; docs[7] = {"text": "x", "author": "a"}; docs[9] = docs[8]
    t = time.perf_counter()
    r = c.post(f"/api/v1/debates/{w.debate.slug}/documents/import/", docs, format="json")
    dt = time.perf_counter() - t
    print(r.status_code, {k: v for k, v in r.json().items() if k != "problems"}, r.json()["problems"], dt, 3000/dt)
