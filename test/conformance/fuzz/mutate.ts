/**
 * Seeded mutations of DSP messages for the fuzz run. Pure: the same seed gives the same sequence of bodies,
 * so a failure is replayed with `MUSUBI_FUZZ_SEED=<seed>`.
 */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough to spread mutations; not for anything secret. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

const dspTypes = [
  'CatalogRequestMessage',
  'ContractRequestMessage',
  'ContractOfferMessage',
  'ContractAgreementMessage',
  'ContractAgreementVerificationMessage',
  'ContractNegotiationEventMessage',
  'ContractNegotiationTerminationMessage',
  'TransferRequestMessage',
  'TransferStartMessage',
  'TransferCompletionMessage',
  'TransferSuspensionMessage',
  'TransferTerminationMessage',
  'Offer',
  'Nonsense',
];

/** Values of every JSON kind, including the awkward ones (Japanese, control characters, huge, deep). */
function oddValue(r: Rng): unknown {
  const deep = (n: number): unknown => (n === 0 ? 'x' : [deep(n - 1)]);
  return pick(r, [
    null,
    true,
    0,
    -1,
    1e308,
    '',
    ' ',
    '契約交渉の終了',
    '\u0000\u0001\ud800',
    'x'.repeat(10_000),
    '../../../etc/passwd',
    'urn:uuid:00000000-0000-0000-0000-000000000000',
    [],
    [null],
    {},
    { '@id': 'x' },
    JSON.parse('{"__proto__":{"polluted":true}}'),
    deep(200),
    'http://169.254.169.254/latest/meta-data',
    'REQUESTED',
    'FINALIZED',
  ] as unknown[]);
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** A path of object keys or array indexes into `x`, chosen at random (possibly the root). */
function randomPath(r: Rng, x: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let cur = x;
  while (cur && typeof cur === 'object' && r() < 0.7) {
    const keys = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (keys.length === 0) break;
    const k = pick(r, keys as (string | number)[]);
    path.push(k);
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return path;
}

function parentOf(
  root: unknown,
  path: readonly (string | number)[],
): Record<string | number, unknown> | undefined {
  let cur = root;
  for (const k of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[k];
  return cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>) : undefined;
}

/** One structural mutation of a message, as a new object. */
export function mutateValue(r: Rng, message: Record<string, unknown>): unknown {
  const m = clone(message);
  const path = randomPath(r, m);
  const last = path[path.length - 1];
  const parent = parentOf(m, path);
  const kind = Math.floor(r() * 7);
  if (kind === 0 && parent && last !== undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (kind === 1 && parent && last !== undefined) parent[last] = oddValue(r);
  else if (kind === 2) m['@type'] = pick(r, dspTypes);
  else if (kind === 3)
    m[
      pick(r, ['providerPid', 'consumerPid', 'agreementId', 'callbackAddress', 'eventType', 'state', 'extra'])
    ] = oddValue(r);
  else if (kind === 4)
    m['@context'] = pick(r, [
      [],
      'https://example.com/unknown.jsonld',
      [null],
      {},
      ['https://w3id.org/dspace/2025/1/context.jsonld', 'https://example.com/x'],
    ]);
  else if (kind === 5) return pick(r, [null, [], 'a string', 42, [m]]);
  else m[`extra-${Math.floor(r() * 1000)}`] = oddValue(r);
  return m;
}

/** The body text of one fuzz request: a mutated message, or a mangled serialisation of one. */
export function mutateText(r: Rng, message: Record<string, unknown>): string {
  const text = JSON.stringify(message);
  const kind = Math.floor(r() * 10);
  if (kind < 6) return JSON.stringify(mutateValue(r, message));
  if (kind === 6) return text.slice(0, Math.floor(r() * text.length));
  if (kind === 7) {
    const i = Math.floor(r() * text.length);
    return `${text.slice(0, i)}${pick(r, ['{', '}', '"', ',', '\\', '\u0000', 'ß', '𠮷'])}${text.slice(i)}`;
  }
  if (kind === 8)
    return pick(r, [
      '',
      'null',
      '[]',
      '{}',
      '{"@type":',
      'true',
      '"x"',
      '{"a":1,"a":2}',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
    ]);
  return `${'['.repeat(5000)}${']'.repeat(5000)}`;
}
