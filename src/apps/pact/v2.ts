import {
  exactFootprint,
  fromPactV3,
  type Mapped,
  type PactEnvelope,
  type PactV2ProductFootprint,
  toPactV2,
} from '../footprint/index.js';
import type { ProductFootprint } from './model.js';

/**
 * A stored v3 ProductFootprint as PACT v2.3, through the footprint app's mappings (v3 → model → v2.3). What
 * v2.3 cannot carry comes back as `losses`; a footprint v2.3 cannot express honestly (pieces, several
 * characterization factors, no CPC …) throws MappingRefused and is not served over v2.
 */
export function toV2(pf: ProductFootprint): Mapped<PactV2ProductFootprint> {
  // fromPactV3 refuses Deprecated footprints (it imports answers); the status travels in the envelope instead
  const model = fromPactV3({ ...pf, status: 'Active' }, pf.productIds[0] ?? pf.id);
  const envelope: PactEnvelope = {
    id: pf.id,
    created: pf.created,
    status: pf.status,
    ...(pf.precedingPfIds ? { precedingPfIds: pf.precedingPfIds } : {}),
    companyName: pf.companyName,
    companyIds: pf.companyIds,
    productIds: pf.productIds,
    productNameCompany: pf.productNameCompany,
    productDescription: pf.productDescription,
    ...(pf.productClassifications ? { productClassifications: pf.productClassifications } : {}),
    ...(pf.comment !== undefined ? { comment: pf.comment } : {}),
  };
  const mapped = toPactV2(exactFootprint(model.value), envelope);
  return {
    value: mapped.value,
    losses: [...model.losses.filter((l) => !l.includes('Ouranos')), ...mapped.losses],
  };
}
