import { describe, expect, it } from 'vitest';
import { defaultSeatTokenDir } from '../../../src/agent/socket/seat-token.js';

describe('where the agent writes the seat token', () => {
  it("is the seat user's logind runtime dir for a root agent, whatever its own env says", () => {
    const env = { XDG_RUNTIME_DIR: '/run/user/0' };
    expect(defaultSeatTokenDir({ name: 'li', uid: 1000 }, 0, env)).toBe('/run/user/1000/baomi');
  });
  it('is its own runtime dir, or the socket-dir fallback, for an agent running as the user', () => {
    expect(defaultSeatTokenDir({ name: 'li' }, 1000, { XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(
      '/run/user/1000/baomi',
    );
    expect(defaultSeatTokenDir({ name: 'li', uid: 1000 }, 1000, {})).toBe('/tmp/baomi-1000');
  });
});
