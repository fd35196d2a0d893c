// The text's blocks and the span list's groups are drawn when they come near the view: the
// browser skips what is out of view (content-visibility: auto in annotate.css) and says when
// that changes. A browser without the event gets everything drawn at once.

/** Whether this browser tells when an element comes near the view. */
export function canDrawWhenNearView(window) {
  return "ContentVisibilityAutoStateChangeEvent" in window;
}

/** Keep the indexes of a container's children near the view, and fill each as it comes near. */
export function fillWhenNearView(container, nearView, fill) {
  container.addEventListener(
    "contentvisibilityautostatechange",
    (event) => {
      const index = Array.prototype.indexOf.call(container.children, event.target);
      if (index === -1) return;
      if (event.skipped) {
        nearView.delete(index);
      } else {
        nearView.add(index);
        fill(index);
      }
    },
    true, // it does not bubble
  );
}
