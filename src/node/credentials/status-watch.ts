import type { NodeContext } from '../context.js';

/**
 * Status lists as this node last fetched them, so a fetch that shows a change (an issuer revoked something)
 * can wake what watches running transfers: a new request's verification refreshing a list ends the
 * transfers of a revoked counterparty without waiting for the re-check bound.
 */
interface Watch {
  readonly bodies: Map<string, string>;
  readonly listeners: (() => void)[];
}

const watches = new WeakMap<NodeContext, Watch>();
const listsLimit = 1000;

function watchOf(ctx: NodeContext): Watch {
  const known = watches.get(ctx);
  if (known) return known;
  const made: Watch = { bodies: new Map(), listeners: [] };
  watches.set(ctx, made);
  return made;
}

/** Called with every status list fetched; listeners hear of a list that differs from its previous copy. */
export function statusListFetched(ctx: NodeContext, url: string, body: string): void {
  const w = watchOf(ctx);
  const before = w.bodies.get(url);
  w.bodies.delete(url);
  if (w.bodies.size >= listsLimit) w.bodies.delete(w.bodies.keys().next().value as string);
  w.bodies.set(url, body);
  if (before !== undefined && before !== body) for (const l of w.listeners) l();
}

export function onStatusListChange(ctx: NodeContext, listener: () => void): void {
  watchOf(ctx).listeners.push(listener);
}
