// Imported first by the demo: its console tells the story, so the handlers' JSON logs and EMF metric lines stay off
// it (set before any handler module builds its logger or metrics). WARDEN_DEMO_LOGS=1 shows them.
if (!process.env.WARDEN_DEMO_LOGS) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}
export {};
