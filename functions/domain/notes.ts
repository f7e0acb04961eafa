/** Prefix of a control note meaning "cannot decide without live state" (offline decisions). */
export const NEEDS_LIVE_STATE = 'needs live state';
/** Prefix of a control note meaning "seen and recorded, below any action threshold" (e.g. low GuardDuty severity). */
export const RECORDED_ONLY = 'recorded only';
