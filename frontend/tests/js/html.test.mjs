import assert from "node:assert/strict";
import { test } from "node:test";

import { escapeHtml } from "../../static/frontend/js/html.js";
import { mulberry32 } from "./random.mjs";

test("markup characters become references; everything else is left as it is", () => {
  assert.equal(
    escapeHtml(`</script><img src=x onerror="alert('1')">&amp;`),
    "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;",
  );
  const plain = "Tech firms 🔐 say: “a backdoor” — café\u00a0owners\n\tagree.";
  assert.equal(escapeHtml(plain), plain);
  assert.equal(escapeHtml(""), "");
});

test("a carriage return and a NUL survive the HTML parser at the same UTF-16 length", () => {
  // The parser would turn CR into LF and drop NUL; references keep one code unit each.
  assert.equal(escapeHtml("a\r\nb\0c"), "a&#13;\nb&#0;c");
});

test("numbers and other values are written as strings", () => {
  assert.equal(escapeHtml(42), "42");
  assert.equal(escapeHtml("tmp-3"), "tmp-3");
});

// Undo the seven references, as the HTML parser does (NUL aside: it reads &#0; as U+FFFD).
function unescape(html) {
  const back = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#13": "\r", "#0": "\0" };
  return html.replace(/&(amp|lt|gt|quot|#39|#13|#0);/g, (_, name) => back[name]);
}

test("random text: nothing markup-like is left, and unescaping gives the text back", () => {
  const random = mulberry32(8);
  const alphabet = ["<", ">", "&", '"', "'", "\r", "\0", "a", " ", "\n", "é", "🔐", "=", "/", ";", "#"];
  for (let round = 0; round < 500; round++) {
    let text = "";
    const length = Math.floor(random() * 40);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    const html = escapeHtml(text);
    assert.doesNotMatch(html, /[<>"'\r\0]|&(?!(amp|lt|gt|quot|#39|#13|#0);)/);
    assert.equal(unescape(html), text);
  }
});
