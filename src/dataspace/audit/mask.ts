/**
 * Personal data (APPI) that an entry may carry in its details: who operated, how to reach them. Masking
 * replaces the value, keeping the key so a reader sees something was there. Matched case-insensitively on
 * the key at any depth.
 */
export const personalFields: readonly string[] = [
  'operator',
  'email',
  'mail',
  'phone',
  'telephone',
  'address',
  'contact',
  'personName',
  'fullName',
  'userName',
];

const personal = new Set(personalFields.map((f) => f.toLowerCase()));
export const maskedValue = '***';

function maskValue(v: unknown, path: string, masked: string[]): unknown {
  if (Array.isArray(v)) return v.map((x, i) => maskValue(x, `${path}/${i}`, masked));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (personal.has(k.toLowerCase()) && x !== null && x !== undefined) {
      out[k] = maskedValue;
      masked.push(`${path}/${k}`);
    } else out[k] = maskValue(x, `${path}/${k}`, masked);
  }
  return out;
}

/** Masks personal fields of a stored details string; lists the JSON pointers it masked. */
export function maskPersonalFields(details: string): { details: string; masked: string[] } {
  const masked: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return { details, masked };
  }
  const out = maskValue(parsed, '', masked);
  return { details: masked.length > 0 ? JSON.stringify(out) : details, masked };
}
