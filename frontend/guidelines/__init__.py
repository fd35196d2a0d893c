"""The guidelines pages and the panel that shows a debate's guidelines on the other pages."""
