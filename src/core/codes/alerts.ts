// Codes of the alert engine (src/core/alerts, text in core/alerts/messages.ts). They predate
// the UPPER_SNAKE convention and are kept as they are: codes are a contract.
export const ALERT_ERROR_CODES = ['alert.invalidRule', 'alert.badTime'] as const;
export type AlertErrorCode = (typeof ALERT_ERROR_CODES)[number];
