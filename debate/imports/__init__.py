"""Documents imported in bulk through the API: the batched service and its endpoint."""
