// The status and alert lines of the managing pages (members, account): one message at a time,
// a success in the status line or the API's reason in the alert line, set as text.

/**
 * Say a message in `el.status` (kind "status") or `el.error` (kind "error"); any other kind
 * hides both.
 */
export function say(page, message, kind) {
  const { el } = page;
  el.status.hidden = kind !== "status";
  el.error.hidden = kind !== "error";
  (kind === "error" ? el.error : el.status).textContent = message;
}
