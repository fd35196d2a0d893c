// Small element builders shared by the map page's drawing modules.

export function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function meter(container, strength) {
  container.replaceChildren();
  const fill = make("span", "meter-fill");
  fill.style.width = `${Math.round(strength * 100)}%`;
  container.append(fill);
  container.title = `Strength ${strength.toFixed(2)}`;
}
