import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

/** The TCK's signal to start a negotiation as consumer (dataspacetck.dsp.connector.negotiation.initiate.url). */
export interface NegotiationSignal {
  readonly datasetId: string;
  readonly offerId: string;
  /** The TCK's participant id: the provider the node negotiates with. */
  readonly providerId: string;
  /** The TCK's DSP base, where the ContractRequestMessage goes. */
  readonly connectorAddress: string;
}

/** The TCK's signal to start a transfer as consumer (dataspacetck.dsp.connector.transfer.initiate.url). */
export interface TransferSignal {
  readonly agreementId: string;
  readonly format: string;
  readonly providerId: string;
  readonly connectorAddress: string;
}

export interface SignalDeps {
  /** The participant the signal is for (the scope's `/p/<id>` or the default one). */
  readonly participantOf: (req: FastifyRequest) => Promise<string>;
  readonly negotiate: (participantId: string, s: NegotiationSignal) => Promise<{ readonly id: string }>;
  readonly transfer: (participantId: string, s: TransferSignal) => Promise<{ readonly id: string }>;
}

const field = { type: 'string', minLength: 1, maxLength: 2048 } as const;
const address = { type: 'string', minLength: 1, maxLength: 2048, pattern: '^https?://' } as const;

const negotiationBody = {
  type: 'object',
  required: ['datasetId', 'offerId', 'providerId', 'connectorAddress'],
  properties: { datasetId: field, offerId: field, providerId: field, connectorAddress: address },
} as const;

const transferBody = {
  type: 'object',
  required: ['agreementId', 'format', 'providerId', 'connectorAddress'],
  properties: { agreementId: field, format: field, providerId: field, connectorAddress: address },
} as const;

const started = {
  200: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' } },
    additionalProperties: false,
  },
} as const;

/**
 * The conformance profile's initiate webhooks: the TCK, playing the provider, tells the node to start a
 * negotiation (CN_C) or a transfer (TP_C) with it, in the TCK's own body shapes. Mounted only under
 * `--profile tck`, inside the authenticated protocol scope (the TCK sends its static Authorization header on
 * these calls too). The answer is the node's own process id; the DSP exchange then runs as usual.
 */
export function tckSignalRoutes(deps: SignalDeps): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: NegotiationSignal }>(
      '/tck/negotiations/requests',
      { schema: { body: negotiationBody, response: started } },
      async (req) => {
        const { id } = await deps.negotiate(await deps.participantOf(req), req.body);
        return { id };
      },
    );
    app.post<{ Body: TransferSignal }>(
      '/tck/transfers/requests',
      { schema: { body: transferBody, response: started } },
      async (req) => {
        const { id } = await deps.transfer(await deps.participantOf(req), req.body);
        return { id };
      },
    );
  };
}

/** The offer the node asks for on a negotiation signal: the TCK's offer id on its dataset, `use` permitted. */
export function signalledOffer(s: NegotiationSignal) {
  return { '@id': s.offerId, target: s.datasetId, permission: [{ action: 'use' }] };
}
