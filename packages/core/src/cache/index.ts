// Public API of cache/.
