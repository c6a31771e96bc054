import { setTimeout as delay } from 'node:timers/promises';
import { type PushResult, pushTargetOf, runPush } from '../dataspace/dataplane/push.js';
import type { SourceAddress, SourceRegistry } from '../dataspace/dataplane/source.js';
import type { Transfer, TransferService } from '../dataspace/transfer/index.js';
import { appendAudit, participantStore } from '../store/index.js';
import type { NodeContext } from './context.js';

/**
 * Runs the push of a provider's started HttpData-PUSH transfer (the transfer service calls this once the start
 * is committed): streams the asset to the consumer's endpoint, audits it (bytes, result), then completes the
 * transfer, or terminates it with the reason code, telling the consumer either way.
 */
export function startPush(
  ctx: NodeContext,
  transfers: TransferService,
  sources: SourceRegistry,
  t: Transfer,
): void {
  const log = ctx.logger.child({ transferId: t.id, participantId: t.participantId });
  void push(ctx, transfers, sources, t).catch((e: unknown) => {
    // the transfer changed meanwhile (terminated by the consumer): nothing is left to do
    log.warn({ err: e }, 'push finished on a transfer that moved on');
  });
}

async function push(
  ctx: NodeContext,
  transfers: TransferService,
  sources: SourceRegistry,
  t: Transfer,
): Promise<void> {
  const target = pushTargetOf(t.dataAddress);
  const source = await sourceAddressOf(ctx, t);
  const result: PushResult = target
    ? await runPush(
        { transferId: t.id, target, source },
        {
          sources,
          send: (url, init) => ctx.outbound.stream(url, init),
          wait: (ms) => delay(ms),
        },
      )
    : {
        step: { next: 'terminate', code: 'push.no-target', reason: 'the request named no endpoint' },
        attempts: 0,
        bytes: 0,
      };
  const at = ctx.now();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        participantId: t.participantId,
        actor: 'system',
        action: 'dataplane.push',
        resourceType: 'transfer',
        resourceId: t.id,
        via: 'system',
        outcome: result.step.next === 'complete' ? 'success' : 'failure',
        ...(result.step.next === 'terminate' ? { reason: result.step.code } : {}),
        details: {
          bytes: result.bytes,
          attempts: result.attempts,
          ...(result.status !== undefined ? { status: result.status } : {}),
          // the host only: the path or query may carry the consumer's secrets
          ...(target ? { host: new URL(target.endpoint).host } : {}),
          counterparty: t.counterpartyId,
          agreementId: t.agreementId,
        },
        context: {
          protocol: 'HTTP push (HttpData-PUSH)',
          format: t.format,
          ...(target ? { endpoint: new URL(target.endpoint).origin } : {}),
        },
      },
      at,
    ),
  );
  await transfers.act(
    t.participantId,
    t.id,
    'system',
    result.step.next === 'complete'
      ? { kind: 'complete' }
      : { kind: 'terminate', code: result.step.code, reason: result.step.reason },
  );
}

/** The pushed asset's private data address, through the agreement the transfer runs under. */
async function sourceAddressOf(ctx: NodeContext, t: Transfer): Promise<SourceAddress | undefined> {
  const agreement = await ctx.db
    .selectFrom('agreements')
    .select('asset_id')
    .where('participant_id', '=', t.participantId)
    .where('id', '=', t.agreementId)
    .executeTakeFirst();
  if (!agreement) return undefined;
  const address = (await participantStore(ctx.db, t.participantId).findAsset(agreement.asset_id))
    ?.dataAddress;
  return typeof address?.type === 'string' ? (address as SourceAddress) : undefined;
}
