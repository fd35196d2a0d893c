// Escape text for HTML built as a string, so a page can draw thousands of elements with one
// innerHTML instead of thousands of DOM calls. Every piece of user text must pass through here.
//
// The result is safe as element content and inside a double- or single-quoted attribute value.
// It also keeps the text exact, which offsets depend on: the HTML parser would turn a carriage
// return into a line feed and drop a NUL, so both are written as character references (a NUL
// reference becomes U+FFFD: the same length in UTF-16, so offsets still match).
//
// Pure functions, no DOM: imported by the annotate page and by node --test.

const REFERENCES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "\r": "&#13;",
  "\0": "&#0;",
};
const UNSAFE = /[&<>"'\r\0]/g;

/** Return value (made a string) with every character HTML could read as markup escaped. */
export function escapeHtml(value) {
  return String(value).replace(UNSAFE, (character) => REFERENCES[character]);
}
