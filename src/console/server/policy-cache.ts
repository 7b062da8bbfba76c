// Which policy a group's agents get (issue 12 point 1: no per-request work that grows with the
// fleet). Every sync answer names the policy of the agent's group; reading the group and then
// the policies for it on every request was two reads (and the policy's bytes copied) 170 times
// a second for 10,000 agents, for an answer that changes when staff upload a policy or edit a
// group. The choice is kept per group name for POLICY_CACHE_MS.
//
// Several console processes on one database: a policy uploaded (or a group changed) through
// one process is seen by the others when their entry expires, so every agent is offered it
// within POLICY_CACHE_MS plus its own sync interval, whichever console it syncs through. The
// process that made the change forgets its entries at once (invalidate()). Nothing else is
// kept: the agent's own etag, its decisions and its revocation are read on every request.
import type { ConsoleStore, Group, PolicyRow } from '../store/types.js';

/** How long a group's policy choice is reused (the bound on what another process sees). */
export const POLICY_CACHE_MS = 10_000;

export interface PolicyChoice {
  group: Group;
  policy: PolicyRow | null;
}

export class PolicyCache {
  private readonly entries = new Map<string, { at: number; choice: Promise<PolicyChoice> }>();

  constructor(
    private readonly store: Pick<ConsoleStore, 'group' | 'policyFor'>,
    private readonly now: () => number,
    private readonly ttlMs = POLICY_CACHE_MS,
  ) {}

  /** The group (a bare one when it has no row) and the policy it gets; one read per group
   *  and period however many requests ask at once. A failed read is not kept. */
  forGroup(name: string): Promise<PolicyChoice> {
    const t = this.now();
    const had = this.entries.get(name);
    if (had && t - had.at < this.ttlMs && t >= had.at) return had.choice;
    const choice = this.read(name);
    this.entries.set(name, { at: t, choice });
    choice.catch(() => {
      if (this.entries.get(name)?.choice === choice) this.entries.delete(name);
    });
    return choice;
  }

  /** Forgets every entry (this process changed a policy or a group). */
  invalidate(): void {
    this.entries.clear();
  }

  private async read(name: string): Promise<PolicyChoice> {
    const group: Group = (await this.store.group(name)) ?? {
      name,
      department: null,
      personnelClass: null,
    };
    return { group, policy: await this.store.policyFor(group) };
  }
}
