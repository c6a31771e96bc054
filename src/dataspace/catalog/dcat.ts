import { dspContext } from '../protocol/index.js';
import type { VisibleDataset } from './query.js';

/** Where and how the catalog's datasets are served: fixed per participant and request base. */
export interface CatalogFrame {
  readonly catalogId: string;
  /** The provider's identifier (its DID). */
  readonly participantId: string;
  /** The participant's DSP endpoint, advertised as the DataService every distribution points to. */
  readonly endpointURL: string;
}

const serviceId = (f: CatalogFrame) => `${f.endpointURL}#data-service`;

/** Transfer formats a data address supports: pull and push of its type (HttpData → HttpData-PULL, -PUSH). */
export function formatsOf(addressType: string): string[] {
  return [`${addressType}-PULL`, `${addressType}-PUSH`];
}

/**
 * A dataset in the compact DSP 2025-1 shape: DCAT metadata (dct:title, dct:description, dcat:keyword,
 * dcat:mediaType), its offers (odrl:hasPolicy, without target as the schema requires) and one distribution
 * per transfer format. Undefined when no offer is left to show (a dataset must carry one).
 */
export function datasetJson(d: VisibleDataset, frame: CatalogFrame): Record<string, unknown> | undefined {
  if (d.offers.length === 0) return undefined;
  const a = d.asset;
  return {
    '@id': a.id,
    '@type': 'Dataset',
    'dct:title': a.title,
    ...(a.description ? { 'dct:description': a.description } : {}),
    ...(a.keywords.length ? { 'dcat:keyword': a.keywords } : {}),
    'dcat:mediaType': a.contentType,
    hasPolicy: d.offers.map((o) => ({ '@id': o.id, '@type': 'Offer', ...o.rules })),
    distribution: formatsOf(a.addressType).map((format) => ({
      '@type': 'Distribution',
      format,
      accessService: serviceId(frame),
    })),
  };
}

export function datasetMessage(d: VisibleDataset, frame: CatalogFrame): Record<string, unknown> | undefined {
  const dataset = datasetJson(d, frame);
  return dataset && { '@context': [dspContext], ...dataset };
}

export function catalogMessage(
  datasets: readonly VisibleDataset[],
  frame: CatalogFrame,
): Record<string, unknown> {
  const shown = datasets.flatMap((d) => datasetJson(d, frame) ?? []);
  return {
    '@context': [dspContext],
    '@id': frame.catalogId,
    '@type': 'Catalog',
    participantId: frame.participantId,
    service: [{ '@id': serviceId(frame), '@type': 'DataService', endpointURL: frame.endpointURL }],
    // The schema wants at least one dataset when the member is present: an empty page leaves it out.
    ...(shown.length ? { dataset: shown } : {}),
  };
}

export function catalogError(code: string, reason: readonly string[]): Record<string, unknown> {
  return { '@context': [dspContext], '@type': 'CatalogError', code, reason };
}
