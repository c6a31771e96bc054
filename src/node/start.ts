import type { FastifyInstance } from 'fastify';
import {
  participantDid,
  readClaimsFile,
  staticClaimsSource,
  unreachableDidWarning,
} from '../dataspace/identity/index.js';
import { seedTckFixtures, tckDecide, tckTransferReact } from '../dataspace/tck/index.js';
import { createOutboundClient, egressPolicy } from '../outbound/index.js';
import { findParticipant, redactUrl, setAuditContextDefaults } from '../store/index.js';
import { auditContextDefaults } from './audit-context.js';
import type { LoadedConfig } from './config.js';
import type { NodeContext } from './context.js';
import { dcpActive, presentedClaimsOf, trustedIssuersOf } from './credentials/index.js';
import { ParticipantExists, PortInUse } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { openNodeStore } from './open.js';
import { createParticipant } from './participants.js';
import type { ChangingClaims } from './policy/usage-control.js';
import { setNegotiationDecisions } from './processes.js';
import { closeDataPlane, digestFileAssetsAtStart } from './scopes/dataplane.js';
import { setTransferReactions } from './scopes/transfers.js';
import { buildServer } from './server.js';
import { prepareTls } from './tls/index.js';
import { packageVersion } from './version.js';

export interface RunningNode {
  readonly url: string;
  readonly port: number;
  /** The local CA's certificate file when the node serves a certificate it issued (for the CLI, curl --cacert). */
  readonly caFile?: string;
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

export async function startNode(loaded: LoadedConfig, options: StartOptions): Promise<RunningNode> {
  const config = loaded.values;
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  const fixedClaims = config.claimsFile ? readClaimsFile(config.claimsFile) : staticClaimsSource({});
  trustedIssuersOf(config.trustedIssuers); // a malformed entry fails the start, not the first request
  // With DCP on (an issuer trusted, or dcpScopes), claims are what counterparties' verified presentations state
  // (the static file is not read).
  const claims: ChangingClaims = dcpActive(config)
    ? {
        claimsFor: (did) => presentedClaimsOf(context).claimsFor(did),
        onChange: (l) => presentedClaimsOf(context).onChange?.(l),
      }
    : fixedClaims;
  const metrics = createMetrics();
  const { target, database, participants } = await openNodeStore(loaded, {
    onQuery: () => metrics.dbQueries.inc(),
    now,
  });
  // After the store opened: a store directory that cannot be written is reported as such, not as a TLS failure.
  const tls = await prepareTls(config, now()).catch(async (e: unknown) => {
    await database.close();
    throw e;
  });
  const outbound = createOutboundClient({
    ...(tls.trusted.length > 0 ? { ca: tls.trusted } : {}),
    connectTimeoutMs: config.outboundConnectTimeoutMs,
    readTimeoutMs: config.outboundReadTimeoutMs,
    maxResponseBytes: config.outboundMaxResponseBytes,
    egress: egressPolicy({ allow: config.outboundAllow }),
    logger,
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
    publicUrl: () => config.publicUrl || `${tls.server ? 'https' : 'http'}://${publicHost()}`,
  };
  setAuditContextDefaults(
    context.db,
    auditContextDefaults({
      defaultParticipantId: config.defaultParticipantId,
      nodeSecret: participants.nodeSecret,
      host: context.publicHost,
      url: context.publicUrl,
    }),
  );
  let app: FastifyInstance | undefined;
  try {
    await ensureDefaultParticipant(context, options.announce);
    if (config.profile === 'tck') {
      await seedTckFixtures(context.db, config.defaultParticipantId, now());
      setNegotiationDecisions(context, tckDecide);
      setTransferReactions(context, tckTransferReact);
    }
    app = await buildServer(context, {
      version: packageVersion(),
      ...(tls.server ? { https: tls.server } : {}),
    });
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
  const scheme = tls.server ? 'https' : 'http';
  const url = `${scheme}://${config.bind.includes(':') ? `[${config.bind}]` : config.bind}:${port}`;
  logger.info(
    {
      url,
      engine: database.engine,
      profile: config.profile,
      tls: tls.server ? (config.tlsCert ? 'configured certificate' : 'local CA') : 'off (plain HTTP)',
      store:
        target.engine === 'postgres' ? redactUrl(target.url) : 'file' in target ? target.file : target.engine,
    },
    'node started',
  );
  warnIfUnreachable(context, options.announce);
  digestFileAssetsAtStart(context); // in the background: the first pulls of stored files need not hash inline
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    ...(tls.caFile ? { caFile: tls.caFile } : {}),
    app: running,
    context,
    close: () => {
      closing ??= (async () => {
        const timer = setTimeout(() => running.server.closeAllConnections(), config.shutdownTimeoutMs);
        try {
          await running.close();
        } finally {
          clearTimeout(timer);
          await closeDataPlane(context); // before the store: the start-up scan reads it
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

/** A DID bound to loopback cannot be resolved by anyone else: say so in the log and to the operator. */
function warnIfUnreachable(ctx: NodeContext, announce: (line: string) => void): void {
  const did = participantDid(ctx.publicHost(), ctx.config.defaultParticipantId, true);
  const warning = unreachableDidWarning(did, ctx.publicHost());
  if (!warning) return;
  ctx.logger.warn({ did, host: ctx.publicHost() }, warning);
  announce(`Warning: ${warning}`);
}
