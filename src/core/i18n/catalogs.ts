// The catalogues of everything core can say: what a reader that imports only core (the tray,
// the console) needs to render events, notices and socket errors at the display end.
import { alertMessages } from '../alerts/messages.js';
import { protocolMessages } from '../codes/protocol.js';
import { policyMessages } from '../policy/messages.js';
import type { Catalog } from './types.js';

export const coreCatalogs: readonly Catalog[] = [policyMessages, alertMessages, protocolMessages];
