/** A secret issued during a flow, named by what it is (the name goes in failure messages, never the value). */
export interface Secret {
  readonly kind: string;
  readonly value: string;
}

/** A text the secrets must not be in: a node's log, its audit export, its metrics, an operator's view. */
export interface Haystack {
  readonly name: string;
  readonly text: string;
}

const jwt = /^[\w-]+\.[\w-]+\.([\w-]+)$/;

/**
 * The strings that betray `secret`: the value itself; a JWT's signature (its header and claims are not
 * secret, its signature is what a replay needs); the base64 (not base64url) spelling; and the first and last
 * 20 characters of the random part, which catch a truncated or differently framed copy. A public prefix such
 * as `msk_` or a sealing version is left out of those windows so that it alone never matches.
 */
export function needlesOf(secret: string): string[] {
  const signature = jwt.exec(secret)?.[1];
  const core = signature ?? secret.replace(/^[a-z0-9]{1,8}[_.:]/i, '');
  const needles = new Set([secret]);
  if (signature) needles.add(signature);
  if (/^[\w-]+$/.test(core) && /[-_]/.test(core)) needles.add(core.replace(/-/g, '+').replace(/_/g, '/'));
  if (core.length >= 40) {
    needles.add(core.slice(0, 20));
    needles.add(core.slice(-20));
  }
  return [...needles];
}

/** Every (secret kind, haystack) pair where some needle of the secret occurs; empty when nothing leaked. */
export function findLeaks(secrets: readonly Secret[], haystacks: readonly Haystack[]): string[] {
  const leaks = new Set<string>();
  for (const s of secrets) {
    const needles = needlesOf(s.value);
    for (const h of haystacks) {
      if (needles.some((n) => h.text.includes(n))) leaks.add(`${s.kind} in ${h.name}`);
    }
  }
  return [...leaks].sort();
}

const secretName = /token|authorization|secret|password|apikey|api_key/i;

/**
 * Credentials carried inside a recorded body: JSON members named like a token (`access_token`,
 * `refreshToken`…), DSP `endpointProperties` entries `{ name: 'authorization', value }`, and form fields
 * (`refresh_token=…`).
 */
export function credentialsIn(body: string): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const name = o.name ?? o['dspace:name'];
    const value = o.value ?? o['dspace:value'];
    if (typeof name === 'string' && typeof value === 'string' && secretName.test(name)) found.push(value);
    for (const [k, x] of Object.entries(o)) {
      if (typeof x === 'string' && secretName.test(k)) found.push(x);
      else walk(x);
    }
  };
  try {
    walk(JSON.parse(body));
  } catch {
    for (const [k, x] of new URLSearchParams(body)) if (secretName.test(k)) found.push(x);
  }
  return found.filter((v) => v.length >= 16);
}
