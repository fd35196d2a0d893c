// Stance colours come from the debate's scheme: one rule per stance in a constructed style
// sheet (CSSOM, which the Content-Security-Policy allows, unlike style attributes in HTML)
// instead of a style on each of thousands of elements.

function cssKey(key) {
  return String(key).replace(/[^a-z0-9_-]/gi, "_");
}

/** Adopt the stances' colours into the document; return the class names for a stance key. */
export function adoptStanceColors(document, stances) {
  const sheet = new CSSStyleSheet();
  const classes = new Map();
  stances.forEach((stance, index) => {
    let names = `stance-${cssKey(stance.key)}`;
    if (stance.color) {
      const colored = `stance-color-${index}`;
      const at = sheet.insertRule(`.doc-text mark.hl.${colored}, .badge.${colored} {}`, sheet.cssRules.length);
      sheet.cssRules[at].style.setProperty("--stance", stance.color);
      names += ` ${colored}`;
    }
    classes.set(stance.key, names);
  });
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return (key) => classes.get(key) ?? `stance-${cssKey(key)}`;
}
