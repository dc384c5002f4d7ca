// Node adapters for data.
