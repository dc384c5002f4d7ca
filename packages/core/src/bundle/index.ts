// Public API of bundle/.
