import { type DidService, dataService } from '../../dataspace/identity/index.js';
import type { NodeContext } from '../context.js';

/** The participant's public root: `<publicUrl>` for the default participant, `<publicUrl>/p/<id>` otherwise. */
export function participantBaseUrl(ctx: NodeContext, participantId: string): string {
  const root = ctx.publicUrl().replace(/\/+$/, '');
  return participantId === ctx.config.defaultParticipantId ? root : `${root}/p/${participantId}`;
}

/**
 * The services a participant's DID document lists: its DSP endpoint (DataService → dspace-version) and its DCP
 * CredentialService (`…/dcp`: `presentations/query`, and `credentials` where issuers deliver), and its
 * IssuerService (`…/dcp/issuer`), since any participant may act as an authority.
 */
export function participantServices(ctx: NodeContext, participantId: string, did: string): DidService[] {
  const base = participantBaseUrl(ctx, participantId);
  return [
    dataService(did, `${base}/.well-known/dspace-version`),
    { id: `${did}#credential-service`, type: 'CredentialService', serviceEndpoint: `${base}/dcp` },
    { id: `${did}#issuer-service`, type: 'IssuerService', serviceEndpoint: `${base}/dcp/issuer` },
  ];
}
