// The session source where none can be had: nobody is known to be at the console (events
// then carry no `user`: never a guess).
import type { SessionSource } from '../../core/ports/session.js';

export const noSession: SessionSource = {
  name: 'none',
  current: async () => null,
  watch: () => ({ close() {} }),
};
