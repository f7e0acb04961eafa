// Imported first by the demo: its console tells the story, so the handlers' JSON logs stay off it (set before any
// handler module builds its logger). Their EMF metric lines are taken off it too and summed (./metrics.ts), for the
// summary at the end. WARDEN_DEMO_LOGS=1 shows both as they are.
if (!process.env.WARDEN_DEMO_LOGS) process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
export {};
