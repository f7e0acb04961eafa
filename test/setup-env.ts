// Quiet structured logs in tests; a test that checks logger output sets its own level.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_DEV ??= 'false';
