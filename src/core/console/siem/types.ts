// The types the SIEM formats share (format.ts, cef.ts).
import type { BaomiEvent } from '../../events/types.js';

export type SiemFormat = 'syslog' | 'cef';

/** A stored event and the agent it came from (its type as the agent sent it: any string). */
export type SiemEvent = Omit<BaomiEvent, 'type'> & { type: string; agentId: string };
