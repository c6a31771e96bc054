import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { readClaimsFile, staticClaimsSource } from '../dataspace/identity/index.js';
import { seedTckFixtures, tckDecide, tckTransferReact } from '../dataspace/tck/index.js';
import { createOutboundClient, egressPolicy } from '../outbound/index.js';
import { findParticipant, redactUrl } from '../store/index.js';
import type { LoadedConfig } from './config.js';
import type { NodeContext } from './context.js';
import { presentedClaimsOf, trustedIssuersOf } from './credentials/index.js';
import { ParticipantExists, PortInUse } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { openNodeStore } from './open.js';
import { createParticipant } from './participants.js';
import type { ChangingClaims } from './policy/usage-control.js';
import { setNegotiationDecisions } from './processes.js';
import { setTransferReactions } from './scopes/transfers.js';
import { buildServer } from './server.js';

export interface RunningNode {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly context: NodeContext;
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeoutMs), then closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where one-time human output goes (the first participant's API key); the CLI passes stdout. */
  readonly announce: (line: string) => void;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

export function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

export async function startNode(loaded: LoadedConfig, options: StartOptions): Promise<RunningNode> {
  const config = loaded.values;
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  const fixedClaims = config.claimsFile ? readClaimsFile(config.claimsFile) : staticClaimsSource({});
  trustedIssuersOf(config.trustedIssuers); // a malformed entry fails the start, not the first request
  // With DCP on, claims are what counterparties' verified presentations state (the static file is not read).
  const claims: ChangingClaims =
    config.dcpScopes.length > 0
      ? {
          claimsFor: (did) => presentedClaimsOf(context).claimsFor(did),
          onChange: (l) => presentedClaimsOf(context).onChange?.(l),
        }
      : fixedClaims;
  const metrics = createMetrics();
  const outbound = createOutboundClient({
    connectTimeoutMs: config.outboundConnectTimeoutMs,
    readTimeoutMs: config.outboundReadTimeoutMs,
    maxResponseBytes: config.outboundMaxResponseBytes,
    egress: egressPolicy({ allow: config.outboundAllow }),
    logger,
  });
  const { target, database, participants } = await openNodeStore(loaded, {
    onQuery: () => metrics.dbQueries.inc(),
    now,
  });
  let port = config.port;
  const publicHost = () => config.host || `localhost:${port}`;
  const context: NodeContext = {
    config,
    engine: database.engine,
    db: database.db,
    logger,
    metrics,
    claims,
    outbound,
    participants,
    now,
    publicHost,
    publicUrl: () => config.publicUrl || `http://${publicHost()}`,
  };
  let app: FastifyInstance | undefined;
  try {
    await ensureDefaultParticipant(context, options.announce);
    if (config.profile === 'tck') {
      await seedTckFixtures(context.db, config.defaultParticipantId, now());
      setNegotiationDecisions(context, tckDecide);
      setTransferReactions(context, tckTransferReact);
    }
    app = await buildServer(context, { version: packageVersion() });
    try {
      await app.listen({ port: config.port, host: config.bind });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUse(config.bind, config.port);
      throw e;
    }
  } catch (e) {
    await app?.close().catch(() => {});
    await outbound.close();
    await database.close();
    throw e;
  }
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.bind.includes(':') ? `[${config.bind}]` : config.bind}:${port}`;
  logger.info(
    {
      url,
      engine: database.engine,
      profile: config.profile,
      store:
        target.engine === 'postgres' ? redactUrl(target.url) : 'file' in target ? target.file : target.engine,
    },
    'node started',
  );
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app: running,
    context,
    close: () => {
      closing ??= (async () => {
        const timer = setTimeout(() => running.server.closeAllConnections(), config.shutdownTimeoutMs);
        try {
          await running.close();
        } finally {
          clearTimeout(timer);
          await outbound.close();
          await database.close();
          logger.info('node stopped');
        }
      })();
      return closing;
    },
  };
}

/** The first start creates the default participant and shows its API key once; later starts say nothing. */
async function ensureDefaultParticipant(ctx: NodeContext, announce: (line: string) => void): Promise<void> {
  const id = ctx.config.defaultParticipantId;
  if (await findParticipant(ctx.db, id)) return;
  try {
    const { apiKey } = await createParticipant(
      ctx.participants,
      { id, name: ctx.config.defaultParticipantName },
      'system',
    );
    announce(`Created participant: ${id}`);
    announce(`Management API key (shown once, keep it safe): ${apiKey.key}`);
  } catch (e) {
    if (!(e instanceof ParticipantExists)) throw e; // another replica created it first
  }
}
