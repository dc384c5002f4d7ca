// Node adapters for cache.
