// A validator for exactly the draft-07 keywords policies/policy.schema.json uses. No JSON
// Schema library is installed; this one refuses any keyword it does not know, so a schema
// change that it cannot judge fails the test instead of passing silently.
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default']);
const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
]);

export function validate(schema: Schema, value: unknown, path = ''): string[] {
  const errors: string[] = [];
  for (const k of Object.keys(schema)) {
    if (!ANNOTATIONS.has(k) && !CHECKED.has(k))
      throw new Error(`unsupported keyword ${k} at ${path}`);
  }
  const type = schema.type as string | undefined;
  if (type && !hasType(type, value)) return [`${path}: expected ${type}`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    errors.push(`${path}: not in enum`);
  if (typeof value === 'string') {
    const len = [...value].length;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${path}: pattern`);
    }
    if (typeof schema.minLength === 'number' && len < schema.minLength)
      errors.push(`${path}: minLength`);
    if (typeof schema.maxLength === 'number' && len > schema.maxLength)
      errors.push(`${path}: maxLength`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      errors.push(`${path}: minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      errors.push(`${path}: maximum`);
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, v] of value.entries())
      errors.push(...validate(schema.items as Schema, v, `${path}[${i}]`));
  }
  if (type === 'object' && value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) {
      if (!(r in obj)) errors.push(`${path}.${r}: required`);
    }
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errors.push(...validate(props[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false)
        errors.push(`${path}.${k}: additional property`);
    }
  }
  return errors;
}

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      throw new Error(`unsupported type ${type}`);
  }
}
