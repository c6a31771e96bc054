import { type DirectoryEntry, lookupParticipant } from '../../dataspace/directory/index.js';
import { InvalidInput, MusubiError } from '../../errors/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf } from '../counterparty.js';

/**
 * A supplier found by its corporate number (法人番号) in an authority's participant directory, as a trade link
 * needs it: its DID and the connector address its DSP endpoint lives under (docs/footprint.md, "Trade links").
 */
export interface DirectorySupplier {
  readonly corporateNumber: string;
  readonly did: string;
  readonly address: string;
  readonly name?: string;
  readonly authority: string;
}

export class NoDirectoryAuthority extends InvalidInput {
  constructor() {
    super(
      'footprint.no-directory-authority',
      'no participant directory to look the corporate number up in: give an authority URL or set directoryAuthority',
    );
  }
}

export class SupplierNotInDirectory extends MusubiError {
  constructor(authority: string, corporateNumber: string) {
    super(
      'directory-entry.not-found',
      'not-found',
      `the participant directory at ${authority} lists no company with 法人番号 ${corporateNumber}`,
      { corporateNumber },
    );
  }
}

export class SupplierUnreachable extends MusubiError {
  constructor(did: string) {
    super(
      'footprint.supplier-no-endpoint',
      'unavailable',
      `neither the directory entry nor the DID document of ${did} names a DSP endpoint`,
      { did },
    );
  }
}

/** The connector root of a DSP endpoint as directories and DID documents give it (`<root>/.well-known/dspace-version`). */
export function connectorRoot(dspEndpoint: string): string {
  return dspEndpoint.replace(/\/+$/, '').replace(/\/\.well-known\/dspace-version$/, '');
}

/**
 * Looks the supplier up over the node's outbound client (the egress policy applies) in the directory of
 * `authority` (else the node's `directoryAuthority`); the address comes from the entry, or the supplier's DID
 * document when the entry names no DSP endpoint.
 */
export async function supplierFromDirectory(
  ctx: NodeContext,
  corporateNumber: string,
  authority?: string,
): Promise<DirectorySupplier> {
  const root = authority || ctx.config.directoryAuthority;
  if (!root) throw new NoDirectoryAuthority();
  const entry = await lookupParticipant(
    async (url) => {
      const res = await ctx.outbound.request(url, { headers: { accept: 'application/json' } });
      return { status: res.status, body: res.status === 200 ? res.json() : undefined };
    },
    root,
    corporateNumber,
  );
  if (!entry) throw new SupplierNotInDirectory(root, corporateNumber);
  return {
    corporateNumber: entry.corporateNumber,
    did: entry.did,
    address: connectorRoot(entry.dspEndpoint ?? (await dataServiceOf(ctx, entry))),
    ...(entry.name ? { name: entry.name } : {}),
    authority: root,
  };
}

async function dataServiceOf(ctx: NodeContext, entry: DirectoryEntry): Promise<string> {
  const doc = await didResolverOf(ctx)(entry.did, false).catch(() => undefined);
  const endpoint = doc?.service?.find((s) => s.type === 'DataService')?.serviceEndpoint;
  if (!endpoint) throw new SupplierUnreachable(entry.did);
  return endpoint;
}
