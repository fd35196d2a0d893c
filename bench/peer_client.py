#!/usr/bin/env python3
"""Same span-annotation workload against a peer tool's REST API (label-studio or doccano).

stdlib + requests only. Talks to loopback addresses only (refuses anything else).

Workload (identical for every peer, all through the public REST API):
  a. create a span-labelling project with labels PRO_E2EE, PRO_SCANNING, NEUTRAL
  b. import N docs (~3,000 chars each, seeded pseudo-news, some with smart quotes / é / emoji)
     through the peer's bulk-import API; wall time until the server says the import is done
  c. create M spans per doc, one POST per span:
       - sequential: docs [0, N/2), one request at a time
       - concurrent: docs [N/2, N), T threads (default 8); each thread takes whole docs
         (models T annotators each working on their own document)
     -> throughput (spans/s), latency p50/p95/p99/max, errors
  d. fetch one fully annotated doc with all its spans, R times (default 50) -> p50/p95
  e. export all annotations in the peer's JSON format through the API -> wall time, whether the
     export is synchronous or a background job, server process-tree RSS sampled at 20 Hz
     (peak during export) and VmHWM per process, exported span count check
  f. print a table; merge the run into --out JSON (default peer_bench.json in the temporary folder)

Each phase has a hard deadline (--phase-timeout); loops are bounded by N*M; a watchdog ends
the process after --global-timeout seconds whatever happens.

Examples:
  python bench_peer.py --peer label-studio --base-url http://127.0.0.1:8081 \
      --token "$(cat $PEERS/ls.token)" --server-pid "$(cat $PEERS/ls.pid)" --docs 200
  python bench_peer.py --peer doccano --base-url http://127.0.0.1:8001 \
      --token "$(cat $PEERS/doccano.token)" \
      --server-pid web="$(cat $PEERS/doccano-web.pid)" --server-pid worker="$(cat $PEERS/doccano-task.pid)"
  python bench_peer.py --table-only          # reprint the table from the JSON file
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import io
import ipaddress
import json
import os
import tempfile
import random
import resource
import statistics
import sys
import threading
import time
import urllib.parse
import zipfile

import requests

LABELS = ["PRO_E2EE", "PRO_SCANNING", "NEUTRAL"]
LABEL_COLORS = {"PRO_E2EE": "#2e7d32", "PRO_SCANNING": "#c62828", "NEUTRAL": "#546e7a"}
REQ_TIMEOUT = 120  # seconds, per ordinary request


# --------------------------------------------------------------------------- data generation
_SUBJ = ["The European Commission", "Europol", "A coalition of NGOs", "The Chaos Computer Club",
         "Signal’s president", "Germany’s interior ministry", "The Council presidency", "EDRi",
         "A group of 300 scientists", "France’s CNIL", "The European Parliament’s LIBE committee",
         "Apple", "Meta", "The Dutch government", "Zürich-based Threema", "Proton", "A Europol spokesperson",
         "Sweden’s justice minister", "The EDPS", "Mozilla"]
_VERB = ["warned that", "argued that", "insisted that", "confirmed that", "rejected claims that",
         "told reporters that", "published an analysis saying", "signalled that", "denied that",
         "stated in a letter that"]
_CLAIM = ["client-side scanning would break end-to-end encryption",
          "detection orders are necessary to protect children online",
          "the proposal creates a mass-surveillance infrastructure",
          "voluntary scanning should be extended until 2026",
          "encrypted messengers must remain exempt from scanning obligations",
          "age verification cannot be done without identifying every user",
          "the régime of “upload moderation” is scanning by another name",
          "AI classifiers produce unacceptable false-positive rates",
          "the compromise text still allows scanning of private chats",
          "the Council’s naïve approach ignores technical reality",
          "providers would be forced to weaken their encryption",
          "a targeted approach based on judicial warrants is sufficient",
          "the risk-mitigation measures amount to de-facto obligations",
          "the café-table consensus among experts is clear"]
_TAIL = ["according to a leaked document.", "during a hearing in Brussels.", "in an interview on Tuesday.",
         "citing internal legal advice.", "in a statement to the press.", "ahead of the next trilogue.",
         "despite earlier assurances.", "as negotiations stalled again.", "in a blog post.",
         "— a position critics called “unworkable”."]
_QUOTES = ["“We will not compromise on encryption,” one official said.",
           "“This is a necessary step,” a spokesperson insisted.",
           "“Scanning everyone is not targeted,” said a résumé-heavy former judge.",
           "Observers described the mood as “tense but constructive”."]


def make_doc(rng: random.Random, idx: int, target_chars: int = 3000) -> str:
    parts: list[str] = []
    n = 0
    while n < target_chars - 120:
        r = rng.random()
        if r < 0.15:
            s = rng.choice(_QUOTES)
        else:
            s = f"{rng.choice(_SUBJ)} {rng.choice(_VERB)} {rng.choice(_CLAIM)} {rng.choice(_TAIL)}"
        if idx % 10 == 3 and not any("🔒" in p for p in parts) and n > 800:
            s = s[:-1] + " 🔒."  # astral-plane emoji in every 10th doc (UTF-16 vs code-point offsets!)
        parts.append(s)
        n += len(s) + 1
    return " ".join(parts)


def make_spans(text: str, rng: random.Random, m: int) -> list[tuple[int, int, str]]:
    """m non-overlapping word-aligned spans, one inside each of m equal slices of the text."""
    out = []
    L = len(text)
    slot = L // m
    for k in range(m):
        lo, hi = k * slot, (k + 1) * slot - 1
        s = lo
        while s < hi and (text[s] == " " or (s > 0 and text[s - 1] != " ")):
            s += 1  # start of a word
        if s >= hi:
            s = lo
        want = rng.randint(8, 60)
        e = min(s + want, hi)
        while e > s + 1 and text[e - 1] == " ":
            e -= 1
        out.append((s, e, LABELS[rng.randrange(3)]))
    return out


# --------------------------------------------------------------------------- process metrics
def _children_map():
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                st = f.read().decode("latin-1")
            ppid = int(st[st.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError):
            pass
    return kids


def process_tree(roots: list[int]) -> list[int]:
    kids = _children_map()
    out, stack = [], list(roots)
    while stack:
        p = stack.pop()
        if os.path.exists(f"/proc/{p}"):
            out.append(p)
            stack.extend(kids.get(p, []))
    return out


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    tck = os.sysconf("SC_CLK_TCK")
    tot = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                st = f.read().decode("latin-1")
            fields = st[st.rindex(")") + 2:].split()
            tot += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, ValueError):
            pass
    return tot / tck


class RssSampler(threading.Thread):
    def __init__(self, roots: list[int], hz: float = 20.0):
        super().__init__(daemon=True)
        self.roots, self.dt = roots, 1.0 / hz
        self.stop_ev = threading.Event()
        self.peak_tree_kb = 0
        self.peak_proc_kb = 0
        self.peak_proc_pid = None
        self.samples = 0

    def sample(self):
        tree = process_tree(self.roots)
        tot = 0
        for p in tree:
            r = _status_kb(p, "VmRSS")
            tot += r
            if r > self.peak_proc_kb:
                self.peak_proc_kb, self.peak_proc_pid = r, p
        self.peak_tree_kb = max(self.peak_tree_kb, tot)
        self.samples += 1
        return tot

    def run(self):
        while not self.stop_ev.is_set():
            self.sample()
            self.stop_ev.wait(self.dt)


def tree_snapshot(roots: list[int]) -> dict:
    out = {}
    for p in process_tree(roots):
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")[:90]
        except OSError:
            cmd = "?"
        out[str(p)] = {"rss_mb": round(_status_kb(p, "VmRSS") / 1024, 1),
                       "hwm_mb": round(_status_kb(p, "VmHWM") / 1024, 1),
                       "pss_mb": round(_pss_kb(p) / 1024, 1), "cmd": cmd}
    return out


def _pss_kb(pid: int) -> int:
    # proportional set size: shares copy-on-write pages of forked workers fairly (sum of RSS double-counts)
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_totals(snap: dict) -> dict:
    return {"procs": len(snap), "rss_sum_mb": round(sum(v["rss_mb"] for v in snap.values()), 1),
            "pss_sum_mb": round(sum(v["pss_mb"] for v in snap.values()), 1)}


# --------------------------------------------------------------------------- helpers
def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def lat_summary(lat_s: list[float]) -> dict:
    ms = [x * 1000 for x in lat_s]
    return {"n": len(ms), "p50_ms": _r(pct(ms, .5)), "p95_ms": _r(pct(ms, .95)),
            "p99_ms": _r(pct(ms, .99)), "max_ms": _r(max(ms) if ms else None),
            "mean_ms": _r(statistics.fmean(ms) if ms else None)}


def _r(x, nd=1):
    return None if x is None else round(x, nd)


class PhaseTimeout(Exception):
    pass


class Deadline:
    def __init__(self, seconds: float, name: str):
        self.t_end, self.name = time.monotonic() + seconds, name

    def left(self) -> float:
        return self.t_end - time.monotonic()

    def check(self):
        if self.left() <= 0:
            raise PhaseTimeout(self.name)


_tls = threading.local()


def assert_loopback(url: str):
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    sys.exit(f"refusing non-loopback base URL {url!r}")


# --------------------------------------------------------------------------- adapters
class Adapter:
    name = "?"
    export_mode = "?"

    def __init__(self, base: str, token: str, keepalive: bool = False):
        self.base = base.rstrip("/")
        self.token = token
        # keepalive=False (default): 'Connection: close' + a fresh TCP connection per request.
        # Reason: Django's runserver (label-studio's pip server) + a keep-alive client hits the
        # Nagle/delayed-ACK stall (~40 ms extra per request on Linux loopback); doccano's gunicorn
        # sync workers close every connection anyway. Use --keepalive to measure with reuse.
        self.keepalive = keepalive

    def s(self) -> requests.Session:
        sess = getattr(_tls, "sess", None)
        if sess is None or getattr(_tls, "owner", None) is not self:
            sess = requests.Session()
            sess.headers["Authorization"] = f"Token {self.token}"
            if not self.keepalive:
                sess.headers["Connection"] = "close"
            sess.trust_env = False  # never go through a proxy
            _tls.sess, _tls.owner = sess, self
        return sess

    def done(self):
        if not self.keepalive:
            self.s().close()  # drop the pooled connection; next request opens a new one

    def req(self, method: str, path: str, ok=(200, 201, 204), timeout=REQ_TIMEOUT, **kw) -> requests.Response:
        try:
            r = self.s().request(method, self.base + path, timeout=timeout, **kw)
            r.content  # read the body fully before timing stops / connection is dropped
        finally:
            self.done()
        if r.status_code not in ok:
            raise RuntimeError(f"{method} {path} -> {r.status_code}: {r.text[:300]}")
        return r


class LabelStudio(Adapter):
    name = "label-studio"
    export_mode = "synchronous (GET /api/projects/{id}/export streams the JSON in the request)"

    def version(self):
        try:
            return self.req("GET", "/api/version").json().get("release")
        except Exception as e:  # noqa: BLE001
            return f"unknown ({e})"

    def create_project(self, title):
        labels = "".join(f'<Label value="{l}" background="{LABEL_COLORS[l]}"/>' for l in LABELS)
        cfg = f'<View><Labels name="label" toName="text">{labels}</Labels><Text name="text" value="$text"/></View>'
        p = self.req("POST", "/api/projects/", json={"title": title, "label_config": cfg}).json()
        self.pid = p["id"]
        return self.pid

    def import_docs(self, docs, deadline):
        body = [{"data": {"text": t, "bench_idx": i}} for i, t in enumerate(docs)]
        r = self.req("POST", f"/api/projects/{self.pid}/import", json=body,
                     timeout=max(5, deadline.left())).json()
        return {"server_reported": r}

    def doc_ids(self, n, deadline):
        ids: dict[int, int] = {}
        page = 1
        while len(ids) < n and page <= n // 100 + 5:
            deadline.check()
            r = self.req("GET", "/api/tasks/", params={"project": self.pid, "page": page, "page_size": 100,
                                                       "fields": "task_only"}).json()
            tasks = r["tasks"] if isinstance(r, dict) else r
            if not tasks:
                break
            for t in tasks:
                ids[int(t["data"]["bench_idx"])] = t["id"]
            page += 1
        return [ids[i] for i in range(n)]

    # One POST = one span = one LS "annotation" object holding a single region.
    def create_span(self, doc_id, text, s, e, label):
        body = {"result": [{"id": f"r{s}", "from_name": "label", "to_name": "text", "type": "labels",
                            "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]}}],
                "ground_truth": False, "project": self.pid}
        self.req("POST", f"/api/tasks/{doc_id}/annotations/", json=body)

    def fetch_doc(self, doc_id):
        t = self.req("GET", f"/api/tasks/{doc_id}/").json()
        return sum(len(a.get("result") or []) for a in t.get("annotations", []))

    def export(self, deadline, path):
        t0 = time.perf_counter()
        with self.s().get(f"{self.base}/api/projects/{self.pid}/export",
                          params={"exportType": "JSON", "download_all_tasks": "true"},
                          stream=True, timeout=max(5, deadline.left())) as r:
            if r.status_code != 200:
                raise RuntimeError(f"export -> {r.status_code}: {r.text[:300]}")
            t_first = time.perf_counter() - t0
            with open(path, "wb") as f:
                for chunk in r.iter_content(1 << 16):
                    deadline.check()
                    f.write(chunk)
        self.done()
        with open(path, "rb") as f:
            data = json.load(f)
        spans = sum(len(a.get("result") or []) for t in data for a in t.get("annotations", []))
        return {"time_to_first_byte_s": round(t_first, 3), "bytes": os.path.getsize(path),
                "exported_tasks": len(data), "exported_spans": spans}

    def delete_project(self):
        self.req("DELETE", f"/api/projects/{self.pid}/", timeout=600)


class Doccano(Adapter):
    name = "doccano"
    export_mode = ("background Celery job (POST /download -> task id; poll /v1/tasks/status; "
                   "GET /download?taskId= returns a zip of JSONL)")

    def __init__(self, base, token, keepalive=False, venv=None):
        super().__init__(base, token, keepalive)
        self.venv = venv

    def version(self):
        # doccano has no version endpoint; read the installed package metadata from its venv.
        try:
            import importlib.metadata as md
            import glob
            sp = glob.glob(os.path.join(self.venv or os.path.join(tempfile.gettempdir(), "peers", "doccano-venv"), "lib/python3*/site-packages"))
            for d in md.distributions(path=sp):
                if d.metadata["Name"].lower() == "doccano":
                    return d.version
        except Exception as e:  # noqa: BLE001
            return f"unknown ({e})"
        return "unknown"

    def _poll_task(self, task_id, deadline, every=0.1):
        n = 0
        while True:
            deadline.check()
            st = self.req("GET", f"/v1/tasks/status/{task_id}").json()
            n += 1
            if st.get("ready"):
                if st.get("error"):
                    raise RuntimeError(f"task {task_id} failed: {st['error']}")
                return st.get("result"), n
            time.sleep(every)

    def create_project(self, title):
        p = self.req("POST", "/v1/projects", json={
            "name": title, "description": "bench", "guideline": "", "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject", "random_order": False, "collaborative_annotation": False,
            "allow_overlapping": False, "grapheme_mode": False, "use_relation": False, "tags": []}).json()
        self.pid = p["id"]
        self.label_ids = {}
        for l in LABELS:
            lt = self.req("POST", f"/v1/projects/{self.pid}/span-types",
                          json={"text": l, "background_color": LABEL_COLORS[l], "text_color": "#ffffff"}).json()
            self.label_ids[l] = lt["id"]
        return self.pid

    def import_docs(self, docs, deadline):
        # doccano's import path: filepond upload -> Celery import job -> poll
        buf = "".join(json.dumps({"text": t, "label": [], "bench_idx": i}, ensure_ascii=False) + "\n"
                      for i, t in enumerate(docs)).encode()
        up = self.req("POST", "/v1/fp/process/", files={"filepond": ("bench.jsonl", buf, "application/json")})
        upload_id = up.text.strip()
        r = self.req("POST", f"/v1/projects/{self.pid}/upload", json={
            "format": "JSONL", "task": "SequenceLabeling", "uploadIds": [upload_id],
            "column_data": "text", "column_label": "label", "encoding": "utf_8"}).json()
        result, polls = self._poll_task(r["task_id"], deadline)
        return {"server_reported": result, "status_polls": polls}

    def doc_ids(self, n, deadline):
        ids: dict[int, int] = {}
        off = 0
        while len(ids) < n and off <= n + 1000:
            deadline.check()
            r = self.req("GET", f"/v1/projects/{self.pid}/examples", params={"limit": 100, "offset": off}).json()
            if not r["results"]:
                break
            for ex in r["results"]:
                ids[int(ex["meta"]["bench_idx"])] = ex["id"]
            off += 100
        return [ids[i] for i in range(n)]

    def create_span(self, doc_id, text, s, e, label):
        self.req("POST", f"/v1/projects/{self.pid}/examples/{doc_id}/spans",
                 json={"example": doc_id, "label": self.label_ids[label], "start_offset": s, "end_offset": e,
                       "prob": 0.0})

    def fetch_doc(self, doc_id):
        # what doccano's UI does: the example, then its spans (2 requests)
        self.req("GET", f"/v1/projects/{self.pid}/examples/{doc_id}")
        return len(self.req("GET", f"/v1/projects/{self.pid}/examples/{doc_id}/spans").json())

    def export(self, deadline, path):
        t0 = time.perf_counter()
        r = self.req("POST", f"/v1/projects/{self.pid}/download",
                     json={"format": "JSONL", "exportApproved": False}).json()
        t_submit = time.perf_counter() - t0
        _, polls = self._poll_task(r["task_id"], deadline)
        t_ready = time.perf_counter() - t0
        with self.s().get(f"{self.base}/v1/projects/{self.pid}/download", params={"taskId": r["task_id"]},
                          stream=True, timeout=max(5, deadline.left())) as resp:
            if resp.status_code != 200:
                raise RuntimeError(f"download -> {resp.status_code}: {resp.text[:300]}")
            with open(path, "wb") as f:
                for chunk in resp.iter_content(1 << 16):
                    deadline.check()
                    f.write(chunk)
        self.done()
        tasks = spans = 0
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                for line in io.TextIOWrapper(z.open(name), encoding="utf-8"):
                    if line.strip():
                        tasks += 1
                        spans += len(json.loads(line).get("label") or [])
        return {"submit_s": round(t_submit, 3), "job_ready_s": round(t_ready, 3), "status_polls": polls,
                "bytes_zip": os.path.getsize(path), "exported_tasks": tasks, "exported_spans": spans}

    def delete_project(self):
        self.req("DELETE", f"/v1/projects/{self.pid}", timeout=600)


class Debatemap(Adapter):
    """Our own app, through its REST API.

    Set up before the run (bench/served/peer.py does it for `make bench`; by hand, from the
    project checkout):
      python manage.py create_debate bench --title Bench --proposition "Bench proposition"
      python manage.py add_member bench bench-mgr manager --password ...
      python manage.py add_member bench bench-ann annotator --password ...
    --token is the annotator's token; DEBATEMAP_MANAGER_TOKEN the manager's; DEBATEMAP_DEBATE the slug.

    Documents go in with the bulk import (POST /api/v1/debates/{slug}/documents/import/, one JSON
    list) and a document is fetched with its spans and relations in one request
    (GET /api/v1/documents/{id}/?include=spans,relations). Against a server without either, the
    adapter falls back to what it had before (one POST per document; the document, then its
    spans) and says so: `import_api` and `fetch_api` name the calls it used.
    """
    name = "debatemap"
    export_mode = "streamed (GET /api/v1/debates/{slug}/export/spans?format=jsonl)"
    STANCE = {"PRO_E2EE": "contra", "PRO_SCANNING": "pro", "NEUTRAL": "neutral"}

    def __init__(self, base, token, keepalive=False):
        super().__init__(base, token, keepalive)
        self.slug = os.environ.get("DEBATEMAP_DEBATE", "bench")
        self.mgr = os.environ.get("DEBATEMAP_MANAGER_TOKEN", token)
        self.import_api = self.fetch_api = self.ids = None
        self.requests_per_fetch = 1

    def version(self):
        try:
            return self.req("GET", "/api/schema/?format=json").json()["info"].get("version")
        except Exception as e:  # noqa: BLE001
            return f"unknown ({e})"

    def _as_manager(self, method, path, ok=(200, 201, 204), **kw):
        r = requests.request(method, self.base + path, headers={"Authorization": f"Token {self.mgr}"},
                             timeout=kw.pop("timeout", REQ_TIMEOUT), **kw)
        if r.status_code not in ok:
            raise RuntimeError(f"{method} {path} -> {r.status_code}: {r.text[:300]}")
        return r

    def create_project(self, title):
        self.pid = self.slug
        return self.pid

    def import_docs(self, docs, deadline):
        body = [{"title": f"bench {i}", "text": t, "source": "bench"} for i, t in enumerate(docs)]
        r = self._as_manager("POST", f"/api/v1/debates/{self.slug}/documents/import/", json=body,
                             ok=(200, 404, 405), timeout=max(5, deadline.left()))
        if r.status_code == 200:
            self.import_api = "POST /api/v1/debates/{slug}/documents/import/ (one JSON list)"
            self.ids = None  # listed by doc_ids, as the other adapters list theirs
            report = r.json()
            if report.get("imported") != len(docs):
                raise RuntimeError(f"bulk import kept {report.get('imported')} of {len(docs)}: "
                                   f"{json.dumps(report.get('problems'))[:300]}")
            return {"server_reported": {k: report.get(k) for k in ("read", "imported", "skipped",
                                                                    "rejected")},
                    "api": self.import_api}
        # No bulk import on this server: one POST per document.
        self.import_api = "POST /api/v1/debates/{slug}/documents/ (one per document)"
        self.ids = []
        for i, t in enumerate(docs):
            deadline.check()
            r = self._as_manager("POST", f"/api/v1/debates/{self.slug}/documents/",
                                 json={"title": f"bench {i}", "text": t, "source": "bench"})
            self.ids.append(r.json()["id"])
        return {"server_reported": f"{len(self.ids)} documents created one POST each",
                "api": self.import_api}

    def doc_ids(self, n, deadline):
        if self.ids is not None:
            return self.ids[:n]
        ids: dict[int, int] = {}
        url = f"/api/v1/debates/{self.slug}/documents/?page_size=500"
        while url and len(ids) < n:
            deadline.check()
            page = self._as_manager("GET", url).json()
            for d in page["results"]:
                if d["title"].startswith("bench "):
                    ids[int(d["title"].removeprefix("bench "))] = d["id"]
            url = page["next"] and page["next"].removeprefix(self.base)
        self.ids = [ids[i] for i in range(n)]
        return self.ids

    def create_span(self, doc_id, text, s, e, label):
        self.req("POST", f"/api/v1/documents/{doc_id}/spans/",
                 json={"start": s, "end": e, "quote": text[s:e], "stance": self.STANCE[label], "role": "claim"})

    def fetch_doc(self, doc_id):
        if self.fetch_api is None:  # first call: is there the one-request fetch?
            r = self.req("GET", f"/api/v1/documents/{doc_id}/?include=spans,relations", ok=(200, 400))
            if r.status_code == 200 and "spans" in r.json():
                self.fetch_api = "GET /api/v1/documents/{id}/?include=spans,relations (1 request)"
            else:
                self.fetch_api = "GET /api/v1/documents/{id}/, then .../spans/ (2 requests)"
                self.requests_per_fetch = 2
        if self.requests_per_fetch == 1:
            spans = self.req("GET", f"/api/v1/documents/{doc_id}/?include=spans,relations").json()["spans"]
        else:
            self.req("GET", f"/api/v1/documents/{doc_id}/")
            spans = self.req("GET", f"/api/v1/documents/{doc_id}/spans/").json()
        return len(spans["results"] if isinstance(spans, dict) else spans)

    def export(self, deadline, path):
        t0 = time.perf_counter()
        with requests.get(f"{self.base}/api/v1/debates/{self.slug}/export/spans",
                          headers={"Authorization": f"Token {self.mgr}"},  # annotators may not export
                          params={"format": "jsonl", "layer": "all"}, stream=True,
                          timeout=max(5, deadline.left())) as r:
            if r.status_code != 200:
                raise RuntimeError(f"export -> {r.status_code}: {r.text[:300]}")
            t_first = time.perf_counter() - t0
            with open(path, "wb") as f:
                for chunk in r.iter_content(1 << 16):
                    deadline.check()
                    f.write(chunk)
        self.done()
        spans = 0
        with open(path, encoding="utf-8") as f:
            for line in f:  # the provenance line's scheme definitions may say "start" too
                if line.strip() and json.loads(line).get("type") == "span":
                    spans += 1
        return {"time_to_first_byte_s": round(t_first, 3), "bytes": os.path.getsize(path),
                "exported_tasks": len(self.ids), "exported_spans": spans}

    def delete_project(self):
        pass


# --------------------------------------------------------------------------- phases
def run_spans(ad: Adapter, work: list[tuple[int, str, list]], threads: int, deadline: Deadline) -> dict:
    """work: [(doc_id, text, spans)]; threads==1 -> sequential in this thread."""
    lat: list[float] = []
    errors: list[str] = []
    nerr = 0
    lock = threading.Lock()
    stop = threading.Event()

    def do_doc(item):
        nonlocal nerr
        doc_id, text, spans = item
        for (s, e, label) in spans:
            if stop.is_set() or deadline.left() <= 0:
                stop.set()
                return
            t0 = time.perf_counter()
            try:
                ad.create_span(doc_id, text, s, e, label)
                ok = True
            except Exception as ex:  # noqa: BLE001
                ok = False
                msg = str(ex)[:300]
            dtm = time.perf_counter() - t0
            with lock:
                if ok:
                    lat.append(dtm)
                else:
                    nerr += 1
                    if len(errors) < 5:
                        errors.append(msg)

    t0 = time.perf_counter()
    if threads <= 1:
        for item in work:
            do_doc(item)
            if stop.is_set():
                break
    else:
        with cf.ThreadPoolExecutor(max_workers=threads) as ex:
            list(ex.map(do_doc, work))
    wall = time.perf_counter() - t0
    out = {"threads": threads, "docs": len(work), "attempted": len(lat) + nerr, "ok": len(lat),
           "errors": nerr, "error_samples": errors, "wall_s": round(wall, 2),
           "throughput_per_s": round(len(lat) / wall, 1) if wall > 0 else None,
           "timed_out": stop.is_set()}
    out.update(lat_summary(lat))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer", choices=["label-studio", "doccano", "debatemap"])
    ap.add_argument("--base-url")
    ap.add_argument("--token")
    ap.add_argument("--server-pid", action="append", default=[],
                    help="server root pid (repeatable; optionally role=pid). Descendants are included.")
    ap.add_argument("--venv", help="peer venv, used only to read doccano's version")
    ap.add_argument("--db-file", help="peer DB file, to report its size")
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--spans-per-doc", type=int, default=20)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--fetch-reps", type=int, default=50)
    ap.add_argument("--doc-chars", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--phase-timeout", type=float, default=900.0, help="hard limit per phase, seconds")
    ap.add_argument("--global-timeout", type=float, default=3600.0, help="watchdog: exit after this many s")
    ap.add_argument("--keepalive", action="store_true",
                    help="reuse HTTP connections (default: Connection: close, one TCP connection per request)")
    ap.add_argument("--label", default="", help="free-text tag stored with the run (shown in the table)")
    ap.add_argument("--cleanup", action="store_true", help="delete the bench project at the end")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "research", "peer_bench.json"))
    ap.add_argument("--export-dir", default=os.path.join(tempfile.gettempdir(), "research", "peer_exports"))
    ap.add_argument("--table-only", action="store_true")
    a = ap.parse_args()

    if a.table_only:
        print_table(load_results(a.out))
        return
    if not (a.peer and a.base_url and a.token):
        ap.error("--peer, --base-url and --token are required")
    assert_loopback(a.base_url)

    def watchdog():
        time.sleep(a.global_timeout)
        print(f"\n!! global timeout {a.global_timeout}s reached, exiting", file=sys.stderr, flush=True)
        os._exit(3)
    threading.Thread(target=watchdog, daemon=True).start()

    roles: dict[str, int] = {}
    for sp in a.server_pid:
        role, _, pid = sp.rpartition("=")
        roles[role or f"server{len(roles)}"] = int(pid)
    roots = list(roles.values())

    ad: Adapter = (LabelStudio(a.base_url, a.token, a.keepalive) if a.peer == "label-studio"
                   else Debatemap(a.base_url, a.token, a.keepalive) if a.peer == "debatemap"
                   else Doccano(a.base_url, a.token, a.keepalive, a.venv))
    run: dict = {"peer": a.peer, "version": ad.version(), "base_url": a.base_url,
                 "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "params": {k: getattr(a, k) for k in ("docs", "spans_per_doc", "threads", "fetch_reps",
                                                       "doc_chars", "seed", "phase_timeout", "keepalive",
                                                       "label")},
                 "host": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                 "server_pids": roles, "phases": {}, "ok": False}
    ph = run["phases"]
    print(f"== {a.peer} {run['version']} at {a.base_url}  N={a.docs} M={a.spans_per_doc} T={a.threads}", flush=True)

    def cpu():
        return cpu_seconds(process_tree(roots)) if roots else None

    def timed_phase(name):
        class _P:
            def __enter__(s):
                s.d = Deadline(a.phase_timeout, name)
                ph.setdefault(name, {})
                s.t0, s.c0 = time.perf_counter(), cpu()
                s.ru0 = resource.getrusage(resource.RUSAGE_SELF)
                print(f"-- {name} ...", flush=True)
                return s

            def __exit__(s, et, ev, tb):
                rec = ph.setdefault(name, {})
                rec["phase_wall_s"] = round(time.perf_counter() - s.t0, 3)
                c1 = cpu()
                if c1 is not None and s.c0 is not None:
                    rec["server_cpu_s"] = round(c1 - s.c0, 2)
                ru1 = resource.getrusage(resource.RUSAGE_SELF)
                rec["client_cpu_s"] = round(ru1.ru_utime + ru1.ru_stime - s.ru0.ru_utime - s.ru0.ru_stime, 2)
                if et is not None:
                    rec["error"] = f"{et.__name__}: {str(ev)[:400]}"
                    print(f"   {name} FAILED: {rec['error']}", flush=True)
                    return False
                print(f"   {name}: {json.dumps({k: v for k, v in rec.items() if k != 'error_samples'})[:400]}",
                      flush=True)
        return _P()

    try:
        if roots:
            run["rss_idle"] = tree_snapshot(roots)
            run["tree_idle"] = tree_totals(run["rss_idle"])
        rng = random.Random(a.seed)
        docs = [make_doc(rng, i, a.doc_chars) for i in range(a.docs)]
        spans = [make_spans(d, random.Random(a.seed * 7919 + i), a.spans_per_doc) for i, d in enumerate(docs)]
        run["corpus"] = {"docs": len(docs), "chars_total": sum(map(len, docs)),
                         "chars_mean": round(statistics.fmean(map(len, docs))),
                         "utf8_bytes_total": sum(len(d.encode()) for d in docs),
                         "docs_with_emoji": sum("🔒" in d for d in docs),
                         "docs_with_smart_quotes": sum("“" in d or "’" in d for d in docs)}

        with timed_phase("a_create_project") as p:
            ad.create_project(f"bench N={a.docs} {run['started_at']}")
            ph["a_create_project"]["project_id"] = ad.pid

        with timed_phase("b_import") as p:
            t0 = time.perf_counter()
            info = ad.import_docs(docs, p.d)
            ph["b_import"].update({"wall_s": round(time.perf_counter() - t0, 3), "docs": len(docs),
                                   "docs_per_s": round(len(docs) / (time.perf_counter() - t0), 1)})
            sr = info.get("server_reported")
            ph["b_import"]["server_reported"] = json.dumps(sr)[:300] if sr is not None else None
            if info.get("api"):
                ph["b_import"]["api"] = info["api"]
            t1 = time.perf_counter()
            ids = ad.doc_ids(len(docs), p.d)
            ph["b_import"]["list_ids_s"] = round(time.perf_counter() - t1, 3)

        half = len(docs) // 2
        work = [(ids[i], docs[i], spans[i]) for i in range(len(docs))]
        with timed_phase("c1_spans_sequential") as p:
            ph["c1_spans_sequential"].update(run_spans(ad, work[:half], 1, p.d))
        with timed_phase("c2_spans_concurrent") as p:
            ph["c2_spans_concurrent"].update(run_spans(ad, work[half:], a.threads, p.d))

        with timed_phase("d_fetch_doc") as p:
            target = ids[half // 2] if half else ids[0]
            for _ in range(3):  # warm-up, not counted
                ad.fetch_doc(target)
            lat, counts = [], set()
            for _ in range(a.fetch_reps):
                p.d.check()
                t0 = time.perf_counter()
                counts.add(ad.fetch_doc(target))
                lat.append(time.perf_counter() - t0)
            ph["d_fetch_doc"].update(lat_summary(lat))
            ph["d_fetch_doc"]["spans_returned"] = sorted(counts)
            ph["d_fetch_doc"]["requests_per_fetch"] = getattr(ad, "requests_per_fetch",
                                                              2 if a.peer == "doccano" else 1)
            if getattr(ad, "fetch_api", None):
                ph["d_fetch_doc"]["api"] = ad.fetch_api

        with timed_phase("e_export") as p:
            os.makedirs(a.export_dir, exist_ok=True)
            path = os.path.join(a.export_dir, f"{a.peer}-N{a.docs}-{int(time.time())}"
                                + (".zip" if a.peer == "doccano" else ".json"))
            sampler = RssSampler(roots) if roots else None
            base_rss = sampler.sample() if sampler else None
            if sampler:
                sampler.start()
            t0 = time.perf_counter()
            try:
                res = ad.export(p.d, path)
            finally:
                wall = time.perf_counter() - t0
                if sampler:
                    sampler.stop_ev.set()
                    sampler.join(2)
            ph["e_export"].update({"wall_s": round(wall, 3), "mode": ad.export_mode, "file": path, **res})
            ph["e_export"]["expected_spans"] = ph["c1_spans_sequential"]["ok"] + ph["c2_spans_concurrent"]["ok"]
            if sampler:
                ph["e_export"].update({
                    "tree_rss_before_mb": round(base_rss / 1024, 1),
                    "tree_rss_peak_mb": round(sampler.peak_tree_kb / 1024, 1),
                    "tree_rss_delta_mb": round((sampler.peak_tree_kb - base_rss) / 1024, 1),
                    "proc_rss_peak_mb": round(sampler.peak_proc_kb / 1024, 1),
                    "proc_rss_peak_pid": sampler.peak_proc_pid, "rss_samples": sampler.samples})
        if roots:
            run["rss_after"] = tree_snapshot(roots)
            run["tree_after"] = tree_totals(run["rss_after"])
            run["max_vmhwm_mb"] = max((v["hwm_mb"] for v in run["rss_after"].values()), default=None)
        if a.db_file and os.path.exists(a.db_file):
            run["db_file_mb"] = round(os.path.getsize(a.db_file) / 2**20, 1)
        run["ok"] = True
    except Exception as e:  # noqa: BLE001  (phase errors are recorded; still write what we have)
        run["error"] = f"{type(e).__name__}: {str(e)[:400]}"
        print(f"!! run aborted: {run['error']}", flush=True)
    finally:
        if a.cleanup and getattr(ad, "pid", None):
            try:
                t0 = time.perf_counter()
                ad.delete_project()
                run["cleanup_delete_s"] = round(time.perf_counter() - t0, 2)
            except Exception as e:  # noqa: BLE001
                run["cleanup_error"] = str(e)[:300]
        run["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        results = load_results(a.out)
        results["runs"].append(run)
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
        os.replace(tmp, a.out)
        print(f"\nwrote {a.out}")
        print_table(results)
    sys.exit(0 if run["ok"] else 1)


def load_results(path):
    try:
        with open(path) as f:
            d = json.load(f)
        d.setdefault("runs", [])
        return d
    except (OSError, ValueError):
        return {"schema": "peer_bench/1", "runs": []}


def print_table(results):
    # latest run per (peer, docs)
    latest: dict = {}
    for r in results.get("runs", []):
        p = r["params"]
        latest[(r["peer"], p["docs"], ("keepalive " if p.get("keepalive") else "") + (p.get("label") or ""))] = r
    if not latest:
        print("(no runs)")
        return
    cols = sorted(latest)

    def g(r, *ks):
        x = r
        for k in ks:
            if not isinstance(x, dict) or k not in x:
                return "-"
            x = x[k]
        return "-" if x is None else x

    rows = [
        ("version", lambda r: r["version"]),
        ("docs x spans/doc", lambda r: f'{r["params"]["docs"]} x {r["params"]["spans_per_doc"]}'),
        ("import wall s", lambda r: g(r, "phases", "b_import", "wall_s")),
        ("import docs/s", lambda r: g(r, "phases", "b_import", "docs_per_s")),
        ("spans seq /s", lambda r: g(r, "phases", "c1_spans_sequential", "throughput_per_s")),
        ("spans seq p50 ms", lambda r: g(r, "phases", "c1_spans_sequential", "p50_ms")),
        ("spans seq p95 ms", lambda r: g(r, "phases", "c1_spans_sequential", "p95_ms")),
        ("spans seq errors", lambda r: g(r, "phases", "c1_spans_sequential", "errors")),
        ("spans 8thr /s", lambda r: g(r, "phases", "c2_spans_concurrent", "throughput_per_s")),
        ("spans 8thr p50 ms", lambda r: g(r, "phases", "c2_spans_concurrent", "p50_ms")),
        ("spans 8thr p95 ms", lambda r: g(r, "phases", "c2_spans_concurrent", "p95_ms")),
        ("spans 8thr errors", lambda r: g(r, "phases", "c2_spans_concurrent", "errors")),
        ("srv CPU ms/span seq", lambda r: _per(g(r, "phases", "c1_spans_sequential", "server_cpu_s"),
                                               g(r, "phases", "c1_spans_sequential", "ok"))),
        ("fetch doc p50 ms", lambda r: g(r, "phases", "d_fetch_doc", "p50_ms")),
        ("fetch doc p95 ms", lambda r: g(r, "phases", "d_fetch_doc", "p95_ms")),
        ("export wall s", lambda r: g(r, "phases", "e_export", "wall_s")),
        ("export spans ok", lambda r: f'{g(r, "phases", "e_export", "exported_spans")}/'
                                      f'{g(r, "phases", "e_export", "expected_spans")}'),
        ("export tree RSS peak MB", lambda r: g(r, "phases", "e_export", "tree_rss_peak_mb")),
        ("export RSS delta MB", lambda r: g(r, "phases", "e_export", "tree_rss_delta_mb")),
        ("export 1-proc peak MB", lambda r: g(r, "phases", "e_export", "proc_rss_peak_mb")),
        ("max VmHWM MB (any proc)", lambda r: g(r, "max_vmhwm_mb")),
        ("server procs / PSS MB after", lambda r: f'{g(r, "tree_after", "procs")} / {g(r, "tree_after", "pss_sum_mb")}'),
        ("DB file MB", lambda r: g(r, "db_file_mb")),
        ("run ok", lambda r: r.get("ok")),
    ]
    w0 = max(len(n) for n, _ in rows)
    heads = [f"{p} N={n} {t}".strip() for p, n, t in cols]
    ws = [max(len(h), 12) for h in heads]
    print("\n" + "metric".ljust(w0) + " | " + " | ".join(h.ljust(w) for h, w in zip(heads, ws)))
    print("-" * (w0 + sum(ws) + 3 * len(ws)))
    for name, fn in rows:
        vals = []
        for c in cols:
            try:
                vals.append(str(fn(latest[c])))
            except Exception:  # noqa: BLE001
                vals.append("-")
        print(name.ljust(w0) + " | " + " | ".join(v.ljust(w) for v, w in zip(vals, ws)))


def _per(cpu_s, n):
    try:
        return round(1000 * float(cpu_s) / int(n), 2)
    except (TypeError, ValueError, ZeroDivisionError):
        return "-"


if __name__ == "__main__":
    main()
