import type { Kysely } from 'kysely';
import { appendAudit, type Tables } from '../../../store/index.js';
import type { DataAddress } from '../../protocol/index.js';
import { findTransfer } from '../../transfer/index.js';
import { edrOf, expiryOf, needsRefresh, withoutSecrets } from './address.js';
import { EdrDead, EdrNotFound, EdrRefreshUnavailable, EdrTransferNotStarted } from './errors.js';
import { type RefreshPost, requestRefresh } from './refresh.js';
import { findEdr, type KeptEdr, putEdr, replaceEdr } from './store.js';

export interface EdrKeeperDeps {
  readonly db: Kysely<Tables>;
  readonly now: () => Date;
  /** Seals the tokens at rest (the node secret). */
  readonly secret: string;
  /** POSTs to the provider's refresh endpoint (the node's outbound client: egress policy applies). */
  readonly post: RefreshPost;
  /** An access token expiring within this margin is refreshed before it is handed out. */
  readonly marginMs: number;
}

/**
 * The consumer's EDRs: kept when a TransferStartMessage arrives, handed to the local application valid
 * (refreshed ahead of expiry), reused for every pull in between. Concurrent callers in this process share one
 * refresh; across replicas the versioned write decides and the loser reads the winner's tokens.
 */
export function edrKeeper(deps: EdrKeeperDeps) {
  const inFlight = new Map<string, Promise<KeptEdr>>();

  async function dead(e: KeptEdr, code: string, reason: string | null): Promise<KeptEdr | undefined> {
    const at = deps.now();
    const next: KeptEdr = { ...e, state: 'dead', reasonCode: code, reason, updatedAt: at.toISOString() };
    const replaced = await deps.db.transaction().execute(async (trx) => {
      if (!(await replaceEdr(trx, e, next, deps.secret))) return false;
      const t = await findTransfer(trx, e.participantId, e.transferId);
      await appendAudit(
        trx,
        {
          participantId: e.participantId,
          actor: 'system',
          action: 'edr.dead',
          resourceType: 'transfer',
          resourceId: e.transferId,
          via: 'system',
          outcome: 'failure',
          reason: code,
          details: { ...(reason ? { reason } : {}), ...(t ? { agreementId: t.agreementId } : {}) },
        },
        at,
      );
      return true;
    });
    if (!replaced) return undefined;
    return next;
  }

  /** One refresh against the provider; the outcome is persisted before anyone sees it. */
  async function refreshed(e: KeptEdr): Promise<KeptEdr> {
    const at = deps.now();
    const expired = Date.parse(e.expiresAt) <= at.getTime();
    if (!e.refreshToken || !e.refreshEndpoint) {
      if (!expired) return e;
      await dead(e, 'edr.expired', 'the access token expired and the provider offered no refresh');
      throw new EdrDead(e.transferId, 'edr.expired', null);
    }
    const outcome = await requestRefresh(deps.post, e.refreshEndpoint, e.refreshToken);
    if (outcome.kind === 'failed') {
      // Still valid for a moment: hand it out; the next caller tries the refresh again.
      if (!expired) return e;
      throw new EdrRefreshUnavailable(e.transferId, outcome.why);
    }
    if (outcome.kind === 'refused') {
      // Another replica may have used this refresh token first: its tokens are the answer then.
      const marked = await dead(e, outcome.code, outcome.reason || null);
      if (!marked) return live(await reread(e));
      throw new EdrDead(e.transferId, outcome.code, outcome.reason || null);
    }
    const t = outcome.tokens;
    const next: KeptEdr = {
      ...e,
      accessToken: t.accessToken,
      // RFC 6749 §6: without a new refresh token the old one stays valid
      ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
      expiresAt: expiryOf(t.expiresIn, at),
      updatedAt: at.toISOString(),
    };
    if (await replaceEdr(deps.db, e, next, deps.secret)) return { ...next, version: e.version + 1 };
    return live(await reread(e));
  }

  async function reread(e: KeptEdr): Promise<KeptEdr> {
    const now = await findEdr(deps.db, e.participantId, e.transferId, deps.secret);
    if (!now) throw new EdrNotFound(e.transferId);
    return now;
  }

  function live(e: KeptEdr): KeptEdr {
    if (e.state === 'dead') throw new EdrDead(e.transferId, e.reasonCode ?? 'edr.dead', e.reason);
    return e;
  }

  return {
    /**
     * Keeps the EDR a TransferStartMessage brought, in the transaction that records the start; a resumed
     * transfer's new EDR replaces the old one. Answers the address without its tokens, for the transfer record.
     */
    async keep(
      trx: Kysely<Tables>,
      participantId: string,
      transferId: string,
      address: DataAddress,
      at: Date,
    ): Promise<DataAddress> {
      const edr = edrOf(address, at);
      if (!edr) return address;
      const prev = await findEdr(trx, participantId, transferId, deps.secret).catch(() => undefined);
      await putEdr(
        trx,
        {
          ...edr,
          participantId,
          transferId,
          state: 'live',
          reasonCode: null,
          reason: null,
          version: (prev?.version ?? 0) + 1,
          updatedAt: at.toISOString(),
        },
        deps.secret,
      );
      return withoutSecrets(address);
    },

    /** A valid EDR of a STARTED pull we consume, refreshed first when it expires within the margin. */
    async current(participantId: string, transferId: string): Promise<KeptEdr> {
      const t = await findTransfer(deps.db, participantId, transferId);
      if (t?.role !== 'consumer') throw new EdrNotFound(transferId);
      const e = await findEdr(deps.db, participantId, transferId, deps.secret);
      if (!e) {
        if (t.state === 'REQUESTED') throw new EdrTransferNotStarted(transferId, t.state);
        throw new EdrNotFound(transferId);
      }
      if (t.state !== 'STARTED') {
        if (e.state === 'live' && t.state !== 'SUSPENDED')
          await dead(e, `transfer-${t.state.toLowerCase()}`, t.reasonCode);
        throw new EdrTransferNotStarted(transferId, t.state);
      }
      live(e);
      if (!needsRefresh(e.expiresAt, deps.now(), deps.marginMs)) return e;
      const key = `${participantId}\n${transferId}`;
      const running = inFlight.get(key);
      if (running) return running;
      const started = refreshed(e).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
}

export type EdrKeeper = ReturnType<typeof edrKeeper>;
