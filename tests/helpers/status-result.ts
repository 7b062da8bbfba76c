// An agent's `status` answer for the tray's pure code (the status window, the pledge notice): a
// running agent with policy HQ v4 enforcing USB and one watched 机密 folder, changed by `over`.
import type { StatusResult } from '../../src/core/protocol/messages.js';

export const statusResult = (over: Partial<StatusResult> = {}): StatusResult =>
  ({
    running: true,
    policy: { name: 'HQ', version: 4 },
    folders: 1,
    watched: [{ path: '/srv/机密', level: '机密', state: 'watching' }],
    events: { stored: 1, unsynced: 0 },
    seatUser: null,
    seatSource: 'none',
    idleSource: 'tray',
    usb: { enforcing: true },
    ...over,
  }) as StatusResult;
