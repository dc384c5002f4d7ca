// Public API of metrics/.
