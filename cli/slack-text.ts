// Slack message text shown outside Slack (the demo's console): Slack's own tokens as plain text.

/** `<!date^1795173605^{date_short_pretty} at {time}|2026-11-20 11:20 UTC>` → its fallback, `2026-11-20 11:20 UTC`. */
const DATE = /<!date\^\d+\^[^|>]*(?:\^[^|>]*)?\|([^>]*)>/g;

/** Slack text for a terminal: each date token as its fallback text (UTC). */
export const plainSlackText = (text: string): string => text.replace(DATE, '$1');
