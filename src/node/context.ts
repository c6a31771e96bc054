import type { Kysely } from 'kysely';
import type { ClaimsSource } from '../dataspace/identity/index.js';
import type { OutboundClient } from '../outbound/index.js';
import type { Engine, Tables } from '../store/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { NodeMetrics } from './metrics.js';
import type { ParticipantDeps } from './participants.js';

/** Everything a node's HTTP scopes need, built once at start and passed down. */
export interface NodeContext {
  readonly config: Config;
  readonly engine: Engine;
  readonly db: Kysely<Tables>;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  readonly claims: ClaimsSource;
  /** The one client for calls out of the node, with this node's egress policy and limits. */
  readonly outbound: OutboundClient;
  readonly participants: ParticipantDeps;
  readonly now: () => Date;
  /** Public host[:port] (for did:web) and base URL, known once the port is bound. */
  readonly publicHost: () => string;
  readonly publicUrl: () => string;
}
