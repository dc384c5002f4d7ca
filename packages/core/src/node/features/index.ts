// Node adapters for features.
