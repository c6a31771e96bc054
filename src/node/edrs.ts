import { type EdrKeeper, edrKeeper } from '../dataspace/dataplane/consumer/index.js';
import type { NodeContext } from './context.js';

/** An access token expiring within this margin is refreshed before the local application gets it. */
export const edrRefreshMarginMs = 30_000;

const keepers = new WeakMap<NodeContext, EdrKeeper>();

/** The node's consumer-side EDR keeper: tokens sealed with the node secret, refreshes through the outbound client. */
export function nodeEdrs(ctx: NodeContext): EdrKeeper {
  const existing = keepers.get(ctx);
  if (existing) return existing;
  const keeper = edrKeeper({
    db: ctx.db,
    now: ctx.now,
    secret: ctx.participants.nodeSecret,
    post: (url, init) => ctx.outbound.request(url, init),
    marginMs: edrRefreshMarginMs,
  });
  keepers.set(ctx, keeper);
  return keeper;
}
