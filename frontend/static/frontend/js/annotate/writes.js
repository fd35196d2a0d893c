// Every change to the layer: drawn at once, then sent through the save queue, which runs the
// writes one at a time in the order they were made. A refused write is undone and explained;
// a span changed elsewhere meanwhile (412) is reloaded instead of overwritten.

import { api, errorMessage } from "../api.js";
import { select } from "./navigation.js";
import { render } from "./render.js";
import { fromApi, resolveId, toApiRange } from "./state.js";
import { notify } from "./status.js";

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

export function createSpan(page, start16, end16, fields) {
  const { state, queue } = page;
  const tempId = `tmp-${++state.tempCounter}`;
  const clientId = crypto.randomUUID();
  const payload = spanPayload(state, start16, end16, fields);
  const local = { ...payload, id: tempId, start16, end16, pending: true, version: 0 };
  state.spans.set(tempId, local);
  select(page, tempId);
  queue
    .enqueue(`Create span “${payload.quote.slice(0, 30)}”`, () =>
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

export function updateSpan(page, id, fields) {
  const { state, queue } = page;
  const span = state.spans.get(id);
  if (!span) return;
  const before = Object.fromEntries(Object.keys(fields).map((key) => [key, span[key]]));
  Object.assign(span, fields);
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
      render(page);
    })
    .catch((result) => {
      const realId = resolveId(state, id);
      if (result.status === 412) {
        reloadSpan(page, realId, "This span was changed elsewhere; your edit was not applied and the span has been reloaded.");
        return;
      }
      const current = state.spans.get(realId);
      if (current) Object.assign(current, before);
      if (result.status !== "discarded") notify(page, `The edit was not saved: ${errorMessage(result)}`, "error");
      render(page);
    });
}

export function deleteSpan(page, id) {
  const { state, queue } = page;
  const span = state.spans.get(id);
  if (!span) return;
  state.spans.delete(id);
  state.deleted.add(id);
  const removedRelations = state.relations.filter((r) => r.source === id || r.target === id);
  state.relations = state.relations.filter((r) => !removedRelations.includes(r));
  state.pendingDelete = null;
  if (state.selectedId === id) state.selectedId = null;
  render(page);
  queue
    .enqueue(`Delete span “${span.quote.slice(0, 30)}”`, async () => {
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
}

export function createRelation(page, sourceId, targetId, type) {
  const { state, queue } = page;
  const tempId = `tmp-rel-${++state.tempCounter}`;
  state.relations.push({ id: tempId, source: sourceId, target: targetId, type, pending: true });
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
}

export function deleteRelation(page, id) {
  const { state, queue } = page;
  const rel = state.relations.find((r) => String(r.id) === String(id));
  if (!rel || rel.pending) return;
  state.relations = state.relations.filter((r) => r !== rel);
  render(page);
  queue
    .enqueue(`Remove link ${rel.type}`, () => api("DELETE", `${state.urls.relation_detail}${rel.id}/`))
    .catch((result) => {
      if (result.status === 404) return;
      state.relations.push(rel);
      if (result.status !== "discarded") notify(page, `The link was not removed: ${errorMessage(result)}`, "error");
      render(page);
    });
}
