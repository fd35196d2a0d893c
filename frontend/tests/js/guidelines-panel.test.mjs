// The annotate page's guidelines panel (annotate/guidelines.js), driven through stand-in
// elements: Node has no DOM, and the module only needs what it calls on its elements.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { listenForGuidelines } from "../../static/frontend/js/annotate/guidelines.js";

class FakeElement {
  constructor() {
    this.listeners = {};
    this.attributes = {};
    this.innerHTML = "";
    this.open = false;
    this.modal = false;
    this.focused = false;
  }
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  dispatch(type, event = {}) {
    const full = { preventDefault() { this.defaultPrevented = true; }, stopPropagation() { this.stopped = true; }, ...event };
    for (const listener of this.listeners[type] || []) listener(full);
    return full;
  }
  setAttribute(name, value) {
    this.attributes[name] = value;
  }
  focus() {
    this.focused = true;
  }
  show() {
    this.open = true;
  }
  showModal() {
    this.open = true;
    this.modal = true;
  }
  close() {
    this.open = false;
    this.modal = false;
    this.dispatch("close");
  }
}

function fakeRoot() {
  const elements = {
    "guidelines-toggle": new FakeElement(),
    "guidelines-panel": new FakeElement(),
    "guidelines-close": new FakeElement(),
    "guidelines-body": new FakeElement(),
  };
  return { elements, getElementById: (id) => elements[id] ?? null };
}

const DATA = { version: 2, html: "<h2>Claims</h2>", must_read: false };

describe("the guidelines panel", () => {
  test("a page without the panel's elements is left alone", () => {
    assert.equal(listenForGuidelines({ getElementById: () => null }, DATA), null);
  });

  test("the HTML goes into the panel, which opens beside the text and closes with Esc", () => {
    const root = fakeRoot();
    const { "guidelines-toggle": toggle, "guidelines-panel": panel } = root.elements;
    listenForGuidelines(root, DATA);

    assert.equal(root.elements["guidelines-body"].innerHTML, "<h2>Claims</h2>");
    assert.equal(panel.open, false);
    toggle.dispatch("click");
    assert.deepEqual([panel.open, panel.modal, toggle.attributes["aria-expanded"]], [true, false, "true"]);

    const key = panel.dispatch("keydown", { key: "j" });
    assert.equal(key.stopped, true); // the page's shortcuts never see it
    const escape = panel.dispatch("keydown", { key: "Escape" });
    assert.deepEqual([escape.defaultPrevented, panel.open], [true, false]);
    assert.deepEqual([toggle.attributes["aria-expanded"], toggle.focused], ["false", true]);
  });

  test("guidelines the reader has not confirmed open at once, modal", () => {
    const root = fakeRoot();
    listenForGuidelines(root, { ...DATA, must_read: true });

    assert.deepEqual([root.elements["guidelines-panel"].open, root.elements["guidelines-panel"].modal], [true, true]);
  });

  test("without guidelines the server's empty state stays", () => {
    const root = fakeRoot();
    root.elements["guidelines-body"].innerHTML = "No guidelines yet";
    listenForGuidelines(root, { version: null, html: "", must_read: false });

    assert.equal(root.elements["guidelines-body"].innerHTML, "No guidelines yet");
  });
});
