import { createHash, createHmac, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { OuranosError } from './errors.js';
import type { OperatorRow, OuranosDb } from './store.js';

/**
 * Operator accounts and the application API keys of one Ouranos base. Passwords are kept as scrypt hashes;
 * access (1 h) and refresh (30 days) tokens are HS256 JWTs keyed per participant from the node secret, and carry
 * the account's token version, which a password change raises so every older token stops working.
 */
export const passwordPattern = /^[a-zA-Z0-9!@#$%^&*()]{8,20}$/;
const accessSeconds = 3600;
const refreshSeconds = 30 * 24 * 3600;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

export function passwordMatches(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}

const tokenKey = (secret: string, participantId: string) =>
  createHmac('sha256', secret).update(`ouranos-token\n${participantId}`).digest();

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

export async function issueTokens(
  secret: string,
  participantId: string,
  op: OperatorRow,
  now: Date,
): Promise<Tokens> {
  const sign = (use: 'access' | 'refresh', seconds: number) =>
    new SignJWT({ operator_id: op.operator_id, email: op.account_id, use, ver: op.token_version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(op.operator_id)
      .setAudience(`ouranos:${participantId}`)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + seconds)
      .setJti(randomUUID())
      .sign(tokenKey(secret, participantId));
  return {
    accessToken: await sign('access', accessSeconds),
    refreshToken: await sign('refresh', refreshSeconds),
  };
}

/** The operator a token of `use` stands for, or an `OuranosError` 401. */
export async function operatorOfToken(
  db: OuranosDb,
  secret: string,
  participantId: string,
  token: string,
  use: 'access' | 'refresh',
  now: Date,
): Promise<OperatorRow> {
  const refused = new OuranosError(
    401,
    'auth',
    use === 'access' ? 'Invalid or expired token' : 'Invalid refresh token',
  );
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, tokenKey(secret, participantId), {
      audience: `ouranos:${participantId}`,
      algorithms: ['HS256'],
      currentDate: now,
    }));
  } catch {
    throw refused;
  }
  if (claims.use !== use || typeof claims.sub !== 'string') throw refused;
  const op = await db
    .selectFrom('ouranos_operators')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('operator_id', '=', claims.sub)
    .executeTakeFirst();
  if (!op || op.token_version !== claims.ver) throw refused;
  return op;
}

const keyHash = (key: string) => createHash('sha256').update(key).digest('hex');

export async function apiKeyValid(db: OuranosDb, participantId: string, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('ouranos_api_keys')
    .select(['id'])
    .where('participant_id', '=', participantId)
    .where('hash', '=', keyHash(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** A new application API key: shown once, only its hash kept. */
export async function addApiKey(db: OuranosDb, participantId: string, label: string, now: Date) {
  const id = randomUUID();
  const key = `oak_${randomBytes(24).toString('base64url')}`;
  await db
    .insertInto('ouranos_api_keys')
    .values({
      participant_id: participantId,
      id,
      hash: keyHash(key),
      label,
      created_at: now.toISOString(),
      revoked_at: null,
    })
    .execute();
  return { id, key, label };
}

export interface NewOperator {
  readonly operatorName: string;
  readonly operatorAddress: string;
  readonly openOperatorId: string;
  readonly globalOperatorId?: string | null;
  readonly accountId: string;
  readonly password?: string;
}

/** Creates an operator and its login; the password is generated when none is given, and returned once. */
export async function addOperator(db: OuranosDb, participantId: string, o: NewOperator, now: Date) {
  const password = o.password ?? `${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}1!`;
  // the platform's seed accounts may hold any password (its change API then restricts the characters)
  if (password.length < 8 || password.length > 128)
    throw new OuranosError(400, 'auth', 'Validation failed, password: 8 to 128 characters.');
  const at = now.toISOString();
  const operatorId = randomUUID();
  const clash = await db
    .selectFrom('ouranos_operators')
    .select('operator_id')
    .where('participant_id', '=', participantId)
    .where((eb) => eb.or([eb('open_operator_id', '=', o.openOperatorId), eb('account_id', '=', o.accountId)]))
    .executeTakeFirst();
  if (clash)
    throw new OuranosError(409, 'auth', 'an operator with this openOperatorId or account already exists');
  await db
    .insertInto('ouranos_operators')
    .values({
      participant_id: participantId,
      operator_id: operatorId,
      operator_name: o.operatorName,
      operator_address: o.operatorAddress,
      open_operator_id: o.openOperatorId,
      global_operator_id: o.globalOperatorId ?? null,
      account_id: o.accountId,
      password_hash: hashPassword(password),
      token_version: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return { operatorId, accountId: o.accountId, ...(o.password ? {} : { password }) };
}
