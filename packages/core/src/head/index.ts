// Public API of head/.
