// Node adapters for backbone.
