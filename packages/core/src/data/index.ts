// Public API of data/.
