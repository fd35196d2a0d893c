// Every change to the layer: drawn at once, then sent through the save queue, which runs the
// writes one at a time in the order they were made. A refused write is rolled back and
// explained; a span changed elsewhere meanwhile (412) is reloaded instead of overwritten.
//
// Each change the annotator makes is recorded for undo (undo.js) with what reverses it. An
// undo or redo is itself a write through the same calls (record: false), so the server keeps
// it in the span's history as a new change. A span deleted and brought back by undo gets a
// new id: undo entries name spans by handles (handleOf), which follow it.

import { api, errorMessage } from "../api.js";
import { select } from "./navigation.js";
import { render } from "./render.js";
import { fromApi, handleOf, liveId, resolveId, toApiRange } from "./state.js";
import { notify, statusAfterWrite } from "./status.js";
import { record } from "./undo.js";

const EDITABLE = ["stance", "role", "actor", "note"];

const NOT_CREATED = { status: 410, data: { detail: "The span it belongs to was never saved." } };

function pick(object, keys) {
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}

// The API's entity tag for a span version (see the span detail endpoint in the API docs).
function ifMatch(id, version) {
  return { "If-Match": `"span-${id}-v${version}"` };
}

function spanPayload(state, start16, end16, fields) {
  const { start, end } = toApiRange(state, start16, end16);
  return { start, end, quote: state.text.slice(start16, end16), ...fields };
}

function quoteLabel(quote) {
  return quote.length > 30 ? `${quote.slice(0, 30)}…` : quote;
}

/** Create a span; return its temporary id (the server's id replaces it once saved). */
export function createSpan(page, start16, end16, fields, { record: recorded = true } = {}) {
  const { state, queue } = page;
  const tempId = `tmp-${++state.tempCounter}`;
  const clientId = crypto.randomUUID();
  const payload = spanPayload(state, start16, end16, fields);
  const local = { ...payload, id: tempId, start16, end16, pending: true, version: 0 };
  state.spans.set(tempId, local);
  select(page, tempId);
  if (recorded) {
    const handle = handleOf(state, tempId);
    record(page, {
      label: `create span “${quoteLabel(payload.quote)}”`,
      undo: () => deleteSpan(page, liveId(state, handle), { record: false }),
      redo: () => {
        handle.id = createSpan(page, start16, end16, fields, { record: false });
        state.handles.set(handle.id, handle);
        return true;
      },
    });
  }
  queue
    .enqueue(`Create span “${quoteLabel(payload.quote)}”`, () =>
      api("POST", state.urls.spans, {
        body: { ...payload, client_id: clientId },
        headers: { "Idempotency-Key": clientId },
      }),
    )
    .then((result) => {
      const saved = fromApi(state, result.data);
      const local = state.spans.get(tempId);
      state.spans.delete(tempId);
      state.idMap.set(tempId, saved.id);
      const handle = state.handles.get(tempId);
      if (handle) state.handles.set(saved.id, handle);
      statusAfterWrite(page);
      // Edits queued meanwhile were applied locally and will be sent next; keep showing them.
      // A span deleted while its create was in flight stays deleted (the delete is queued).
      if (local) state.spans.set(saved.id, { ...saved, ...pick(local, EDITABLE), pending: false });
      for (const rel of state.relations) {
        if (rel.source === tempId) rel.source = saved.id;
        if (rel.target === tempId) rel.target = saved.id;
      }
      if (state.selectedId === tempId) state.selectedId = saved.id;
      render(page);
    })
    .catch((result) => {
      state.spans.delete(tempId);
      state.relations = state.relations.filter((r) => r.source !== tempId && r.target !== tempId);
      if (state.selectedId === tempId) state.selectedId = null;
      if (result.status !== "discarded") notify(page, `The span was not saved: ${errorMessage(result)}`, "error");
      render(page);
    });
  render(page);
  return tempId;
}

async function reloadSpan(page, id, message) {
  const { state } = page;
  const result = await api("GET", `${state.urls.span_detail}${id}/`);
  if (result.status === 200) {
    state.spans.set(id, fromApi(state, result.data));
  } else if (result.status === 404) {
    state.spans.delete(id);
  }
  notify(page, message, "warning");
  render(page);
}

/** Change a span's fields; return false when the span is not (or no longer) here. */
export function updateSpan(page, id, fields, { record: recorded = true, conflict } = {}) {
  const { state, queue } = page;
  const span = state.spans.get(id);
  if (!span) return false;
  const before = Object.fromEntries(Object.keys(fields).map((key) => [key, span[key]]));
  if (Object.keys(fields).every((key) => fields[key] === before[key])) return true;
  Object.assign(span, fields);
  if (recorded) {
    const handle = handleOf(state, id);
    record(page, {
      label: `edit span “${quoteLabel(span.quote)}”`,
      undo: () => updateSpan(page, liveId(state, handle), before, { record: false, conflict: "undo" }),
      redo: () => updateSpan(page, liveId(state, handle), fields, { record: false, conflict: "redo" }),
    });
  }
  render(page);
  queue
    .enqueue(`Edit span “${span.quote.slice(0, 30)}”`, async () => {
      const realId = resolveId(state, id);
      if (typeof realId === "string") return NOT_CREATED;
      return api("PATCH", `${state.urls.span_detail}${realId}/`, {
        body: fields,
        headers: ifMatch(realId, state.versions.get(realId)),
      });
    })
    .then((result) => {
      const saved = fromApi(state, result.data);
      if (state.deleted.has(id) || state.deleted.has(saved.id)) return;
      state.spans.set(saved.id, saved);
      statusAfterWrite(page);
      render(page);
    })
    .catch((result) => {
      const realId = resolveId(state, id);
      if (result.status === 412) {
        const what = conflict ? `Could not ${conflict}: this span` : "This span";
        reloadSpan(page, realId, `${what} was changed elsewhere; your edit was not applied and the span has been reloaded.`);
        return;
      }
      const current = state.spans.get(realId);
      if (current) Object.assign(current, before);
      if (result.status !== "discarded") notify(page, `The edit was not saved: ${errorMessage(result)}`, "error");
      render(page);
    });
  return true;
}

/** Delete a span and its links; return false when the span is not (or no longer) here. */
export function deleteSpan(page, id, { record: recorded = true } = {}) {
  const { state, queue } = page;
  const span = state.spans.get(id);
  if (!span) return false;
  state.spans.delete(id);
  state.deleted.add(id);
  const removedRelations = state.relations.filter((r) => r.source === id || r.target === id);
  state.relations = state.relations.filter((r) => !removedRelations.includes(r));
  if (recorded) {
    const handle = handleOf(state, id);
    // The links go with the span; undo brings both back (each end named by its handle).
    const links = removedRelations.map((r) => ({
      source: handleOf(state, r.source),
      target: handleOf(state, r.target),
      type: r.type,
    }));
    const fields = { stance: span.stance, role: span.role, actor: span.actor ?? null, note: span.note || "" };
    record(page, {
      label: `delete span “${quoteLabel(span.quote)}”`,
      undo: () => {
        handle.id = createSpan(page, span.start16, span.end16, fields, { record: false });
        state.handles.set(handle.id, handle);
        for (const link of links) {
          createRelation(page, liveId(state, link.source), liveId(state, link.target), link.type, { record: false });
        }
        return true;
      },
      redo: () => deleteSpan(page, liveId(state, handle), { record: false }),
    });
  }
  state.pendingDelete = null;
  if (state.selectedId === id) state.selectedId = null;
  render(page);
  queue
    .enqueue(`Delete span “${quoteLabel(span.quote)}”`, async () => {
      const realId = resolveId(state, id);
      if (typeof realId === "string") return NOT_CREATED;
      return api("DELETE", `${state.urls.span_detail}${realId}/`, {
        headers: ifMatch(realId, state.versions.get(realId)),
      });
    })
    .catch((result) => {
      if (result.status === 404 || result.status === 410) return; // gone already, or never made
      const realId = resolveId(state, id);
      state.deleted.delete(id);
      state.spans.set(realId, { ...span, id: realId, version: state.versions.get(realId) });
      state.relations.push(...removedRelations);
      if (result.status === 412) {
        reloadSpan(page, realId, "This span was changed elsewhere, so it was not deleted; it has been reloaded.");
        return;
      }
      if (result.status !== "discarded") notify(page, `The span was not deleted: ${errorMessage(result)}`, "error");
      render(page);
    });
  return true;
}

// A link is named by its ends' handles and its type: a span brought back by undo has a new
// id, and so does the link that came back with it.
function findRelation(state, ends, type) {
  const source = liveId(state, ends.source);
  const target = liveId(state, ends.target);
  return state.relations.find(
    (r) => r.type === type && resolveId(state, r.source) === source && resolveId(state, r.target) === target,
  );
}

/** Link two spans; return the new relation (its id becomes the server's once saved). */
export function createRelation(page, sourceId, targetId, type, { record: recorded = true } = {}) {
  const { state, queue } = page;
  const tempId = `tmp-rel-${++state.tempCounter}`;
  const relation = { id: tempId, source: sourceId, target: targetId, type, pending: true };
  state.relations.push(relation);
  if (recorded) {
    const ends = { source: handleOf(state, sourceId), target: handleOf(state, targetId) };
    record(page, {
      label: `link ${type}`,
      undo: () => deleteRelation(page, findRelation(state, ends, type)?.id, { record: false }),
      redo: () => {
        createRelation(page, liveId(state, ends.source), liveId(state, ends.target), type, { record: false });
        return true;
      },
    });
  }
  render(page);
  queue
    .enqueue(`Link ${type}`, async () => {
      const source = resolveId(state, sourceId);
      const target = resolveId(state, targetId);
      if (typeof source === "string" || typeof target === "string") return NOT_CREATED;
      return api("POST", state.urls.relations, { body: { source, target, type } });
    })
    .then((result) => {
      const rel = state.relations.find((r) => r.id === tempId);
      if (rel) Object.assign(rel, result.data, { pending: false });
      render(page);
    })
    .catch((result) => {
      state.relations = state.relations.filter((r) => r.id !== tempId);
      if (result.status !== "discarded") notify(page, `The link was not saved: ${errorMessage(result)}`, "error");
      render(page);
    });
  return relation;
}

/** Remove a link; return false when it is not here or not saved yet. */
export function deleteRelation(page, id, { record: recorded = true } = {}) {
  const { state, queue } = page;
  const rel = state.relations.find((r) => String(r.id) === String(id));
  if (!rel || rel.pending) return false;
  state.relations = state.relations.filter((r) => r !== rel);
  if (recorded) {
    const ends = { source: handleOf(state, rel.source), target: handleOf(state, rel.target) };
    record(page, {
      label: `remove link ${rel.type}`,
      undo: () => {
        createRelation(page, liveId(state, ends.source), liveId(state, ends.target), rel.type, { record: false });
        return true;
      },
      redo: () => deleteRelation(page, findRelation(state, ends, rel.type)?.id, { record: false }),
    });
  }
  render(page);
  queue
    .enqueue(`Remove link ${rel.type}`, () => api("DELETE", `${state.urls.relation_detail}${rel.id}/`))
    .catch((result) => {
      if (result.status === 404) return;
      state.relations.push(rel);
      if (result.status !== "discarded") notify(page, `The link was not removed: ${errorMessage(result)}`, "error");
      render(page);
    });
  return true;
}
