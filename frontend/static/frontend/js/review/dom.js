// Small element builders shared by the review page's drawing modules.

import { decidable, stanceLabel } from "./state.js";

export function make(tag, className, textContent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (textContent !== undefined) node.textContent = textContent;
  return node;
}

export function badge(state, stanceKey) {
  const span = document.createElement("span");
  span.className = "badge";
  const stance = state.stanceByKey.get(stanceKey);
  if (stance && stance.color) span.style.setProperty("--stance", stance.color);
  span.textContent = stanceLabel(state, stanceKey);
  return span;
}

export function swatch(color) {
  const span = document.createElement("span");
  span.className = "swatch";
  span.style.setProperty("--swatch", color);
  span.setAttribute("aria-hidden", "true");
  return span;
}

/** A decision button: disabled unless this reviewer may decide on this document now. */
export function button(state, label, action, extra = {}) {
  const node = make("button", extra.className || "small", label);
  node.type = "button";
  node.dataset.action = action;
  for (const [key, value] of Object.entries(extra.data || {})) node.dataset[key] = value;
  if (extra.aria) node.setAttribute("aria-label", extra.aria);
  if (extra.pressed !== undefined) node.setAttribute("aria-pressed", String(extra.pressed));
  node.disabled = !decidable(state);
  return node;
}
