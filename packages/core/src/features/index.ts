// Public API of features/.
