// Maps a path into the parsed data back to where it is written, so every error can say
// "line 3, column 1". JSON input goes through the same YAML parser (JSON is YAML 1.2), so
// positions work the same for both formats.
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type * as z from 'zod';

export type PathSeg = string | number;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

export interface Located {
  line: number;
  col: number;
  /** True when the node at the full path exists (false: position of the nearest ancestor). */
  exact: boolean;
}

/**
 * Position of the value at `path`, or with `keyOf`, of the key `keyOf` inside the map at
 * `path` (for unknown keys: point at the key, not its value).
 */
export function locate(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
  keyOf?: string,
): Located {
  let node = doc.contents as Node | null;
  let at = positionOf(node, lc) ?? { line: 1, col: 1 };
  const steps: PropertyKey[] = keyOf === undefined ? [...path] : [...path, keyOf];
  for (let i = 0; i < steps.length; i++) {
    const seg = steps[i]!;
    const isKeyStep = keyOf !== undefined && i === steps.length - 1;
    let next: Node | null = null;
    let keyNode: Node | null = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair) {
        keyNode = pair.key as Node;
        next = (pair.value as Node | null) ?? null;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = (node.items[seg] as Node | undefined) ?? null;
    }
    if (isKeyStep && keyNode) return { ...(positionOf(keyNode, lc) ?? at), exact: true };
    const pos = positionOf(next, lc) ?? (keyNode ? positionOf(keyNode, lc) : null);
    if (!pos) return { ...at, exact: false };
    node = next;
    at = pos;
  }
  return { ...at, exact: true };
}

function positionOf(
  node: Node | null | undefined,
  lc: LineCounter,
): { line: number; col: number } | null {
  const offset = node?.range?.[0];
  return offset === undefined ? null : lc.linePos(offset);
}

type AnyDef = { type: string; [k: string]: unknown };
const defOf = (s: unknown): AnyDef => (s as { _zod: { def: AnyDef } })._zod.def;

/** Keys an object at `path` of `schema` allows (empty when there is no object there). */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (const seg of [...path, null]) {
    for (let guard = 0; guard < 20; guard++) {
      const def = defOf(s);
      if (def.type === 'pipe') s = def.in;
      else if (
        ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(def.type)
      ) {
        s = def.innerType;
      } else break;
    }
    const def = defOf(s);
    if (seg === null) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object' && typeof seg === 'string') {
      s = (def.shape as Record<string, unknown>)[seg];
      if (s === undefined) return [];
    } else if (def.type === 'array' && typeof seg === 'number') {
      s = def.element;
    } else return [];
  }
  return [];
}
