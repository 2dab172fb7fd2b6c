"""Files: reading JSON lines safely, writing output atomically. Knows nothing of labels or records."""
