import { signalledOffer, tckSignalRoutes } from '../../dataspace/tck/index.js';
import { nodeProcesses } from '../processes.js';
import { addressedParticipant, type ScopeRoutes } from './protocol.js';
import { nodeTransfers } from './transfers.js';

/**
 * The conformance profile's initiate webhooks (`/dsp/tck/negotiations/requests`, `/dsp/tck/transfers/requests`):
 * only under `--profile tck`, where the TCK tells the node, as consumer, to negotiate or transfer with it.
 */
export const tckRoutes: ScopeRoutes = async (app, { ctx }) => {
  if (ctx.config.profile !== 'tck') return;
  await app.register(
    tckSignalRoutes({
      participantOf: (req) => addressedParticipant(ctx, req),
      negotiate: (participantId, s) =>
        nodeProcesses(ctx).negotiations.request({
          participantId,
          actor: s.providerId,
          counterpartyId: s.providerId,
          providerBase: s.connectorAddress,
          offer: signalledOffer(s),
        }),
      transfer: (participantId, s) =>
        nodeTransfers(ctx).request({
          participantId,
          actor: s.providerId,
          agreementId: s.agreementId,
          format: s.format,
          providerAddress: s.connectorAddress,
        }),
    }),
  );
};
