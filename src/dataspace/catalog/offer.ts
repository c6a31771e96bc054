/**
 * An offer definition: which assets (selector), who may see them in the catalog (access policy), and on what
 * terms (contract policy). The selector is a union: the offer covers every listed asset, every asset carrying
 * one of the keywords, every asset of one of the media types — or, with `all`, every asset.
 */
export interface AssetSelector {
  readonly all?: boolean;
  readonly assetIds?: readonly string[];
  readonly keywords?: readonly string[];
  readonly mediaTypes?: readonly string[];
}

export interface OfferDefinition {
  readonly id: string;
  readonly accessPolicyId: string;
  readonly contractPolicyId: string;
  readonly selector: AssetSelector;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type SelectorKind = 'all' | 'asset' | 'keyword' | 'mediaType';

/** The selector as indexed rows (kind, value). */
export function selectorTerms(s: AssetSelector): { kind: SelectorKind; value: string }[] {
  return [
    ...(s.all ? [{ kind: 'all' as const, value: '' }] : []),
    ...[...new Set(s.assetIds ?? [])].map((value) => ({ kind: 'asset' as const, value })),
    ...[...new Set(s.keywords ?? [])].map((value) => ({ kind: 'keyword' as const, value })),
    ...[...new Set(s.mediaTypes ?? [])].map((value) => ({ kind: 'mediaType' as const, value })),
  ];
}

/** What of an asset a selector looks at. */
export interface SelectableAsset {
  readonly id: string;
  readonly contentType: string;
  readonly keywords?: readonly string[];
}

export function selects(s: AssetSelector, a: SelectableAsset): boolean {
  return (
    s.all === true ||
    (s.assetIds ?? []).includes(a.id) ||
    (s.mediaTypes ?? []).includes(a.contentType) ||
    (s.keywords ?? []).some((k) => (a.keywords ?? []).includes(k))
  );
}

/**
 * An offer covering exactly one asset is published under its own id (so an operator can choose ids such as
 * the TCK's `CD123:ACN0101:456`); any other offer is published once per asset as `<offer>:<asset>`.
 */
export function singleAsset(s: AssetSelector): string | undefined {
  const only = s.assetIds?.length === 1 && !s.all && !s.keywords?.length && !s.mediaTypes?.length;
  return only ? s.assetIds?.[0] : undefined;
}

export function publishedOfferId(offer: Pick<OfferDefinition, 'id' | 'selector'>, assetId: string): string {
  return singleAsset(offer.selector) === assetId ? offer.id : `${offer.id}:${assetId}`;
}

/** The (offer definition, asset) pairs a published offer id may stand for, most specific first. */
export function offerIdCandidates(publishedId: string): { offerId: string; assetId?: string }[] {
  const out: { offerId: string; assetId?: string }[] = [{ offerId: publishedId }];
  for (let i = publishedId.indexOf(':'); i > 0 && out.length <= 16; i = publishedId.indexOf(':', i + 1)) {
    out.push({ offerId: publishedId.slice(0, i), assetId: publishedId.slice(i + 1) });
  }
  return out;
}
