// The page's only door to the API: JSON in and out, the CSRF token for session auth, and a
// result object instead of an exception so callers (and the save queue) can decide.

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/**
 * Send one request; resolve to {status, data, etag, retryAfter} (the Retry-After header, or
 * null). A network failure gives status 0.
 * @param {string} method
 * @param {string} url
 * @param {{body?: any, headers?: Record<string, string>}} [options]
 */
export async function api(method, url, { body, headers = {} } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", ...headers },
  };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return { status: 0, data: { detail: "The server is unreachable." }, etag: null, retryAfter: null };
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (response.status !== 204 && type.includes("json")) {
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
  }
  return {
    status: response.status,
    data,
    etag: response.headers.get("ETag"),
    retryAfter: response.headers.get("Retry-After"),
  };
}

/**
 * GET every page of a cursor-paginated list, following `next`; resolve to {status, data, etag}
 * with `data` the results of all pages, or to the first failed page's result.
 * @param {string} url
 * @param {number} pageSize as many as the endpoint allows, so most lists take one request
 * @param {typeof api} [get] the request function (tests pass their own)
 */
export async function apiGetAll(url, pageSize, get = api) {
  const results = [];
  let next = `${url}${url.includes("?") ? "&" : "?"}page_size=${pageSize}`;
  while (next) {
    const result = await get("GET", next);
    if (result.status !== 200) return result;
    if (Array.isArray(result.data)) return result; // not paginated
    results.push(...(result.data?.results ?? []));
    next = result.data?.next ?? null;
  }
  return { status: 200, data: results, etag: null };
}

/** Return a readable message from a DRF error body, naming the fields. */
export function errorMessage(result) {
  const data = result && result.data;
  if (!data) return result && result.status ? `Error ${result.status}` : "The server is unreachable.";
  if (typeof data === "string") return data;
  if (data.detail) return String(data.detail);
  return Object.entries(data)
    .map(([field, problems]) => `${field}: ${[].concat(problems).join(" ")}`)
    .join("; ");
}

/**
 * POST form data (files) with XMLHttpRequest, which reports the upload's progress as fetch
 * cannot; resolve to {status, data} as `api` does. `onProgress(loaded, total)` is called as
 * the bytes go out, and once more with loaded === total when the last byte is sent.
 * @param {string} url
 * @param {FormData} form
 * @param {(loaded: number, total: number) => void} onProgress
 */
export function apiUpload(url, form, onProgress) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    request.upload.addEventListener("load", (event) => onProgress(event.total, event.total));
    request.addEventListener("load", () => {
      let data = null;
      if ((request.getResponseHeader("Content-Type") || "").includes("json")) {
        try {
          data = JSON.parse(request.responseText);
        } catch (error) {
          data = null;
        }
      }
      resolve({ status: request.status, data });
    });
    const unreachable = () => resolve({ status: 0, data: { detail: "The server is unreachable." } });
    request.addEventListener("error", unreachable);
    request.addEventListener("abort", unreachable);
    request.send(form);
  });
}
