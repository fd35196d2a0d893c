// The import page's state: the API addresses, the files chosen in each section, and whether
// an upload of that section is under way.

export function createState(data) {
  return {
    urls: data.urls,
    files: { documents: [], spans: [] },
    sending: { documents: false, spans: false },
  };
}

/** Return the address that opens a document. */
export function documentUrl(state, id) {
  return state.urls.annotate.replace("{id}", String(id));
}
