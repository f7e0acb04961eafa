// Quiet structured logs in tests; a test that checks logger output sets its own level.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_DEV ??= 'false';
// Held runs' metrics (EMF lines on stdout) stay out of test output; the metrics test turns them on for itself.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
