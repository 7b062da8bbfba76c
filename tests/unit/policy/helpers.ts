import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TrustedKey } from '../../../src/core/policy/index.js';

export const POLICIES = fileURLToPath(new URL('../../../policies/', import.meta.url));

export const read = (rel: string): Buffer => readFileSync(`${POLICIES}${rel}`);
export const readText = (rel: string): string => readFileSync(`${POLICIES}${rel}`, 'utf8');
export const list = (dir: string): string[] => readdirSync(`${POLICIES}${dir}`).sort();

export const demoTrust = (): TrustedKey[] => [
  { name: 'DEMO-policy', publicKeyPem: readText('demo-trust/policy/DEMO-policy.pub') },
];

/** Rows of the first markdown table in a README, as objects keyed by the header. */
export function readmeTable(rel: string): Record<string, string>[] {
  const lines = readText(rel)
    .split('\n')
    .filter((l) => l.startsWith('|'));
  const cells = (l: string) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const header = cells(lines[0]!);
  return lines.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i], c])));
}

export const POLICY_FILE = /\.(ya?ml|json)$/;

/** Fixed clock for the committed examples (they must stay valid at this instant). */
export const NOW = Date.parse('2026-12-01T00:00:00Z');
