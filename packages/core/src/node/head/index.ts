// Node adapters for head.
