import type { Kysely } from 'kysely';
import {
  aggregate,
  type CompanyData,
  type Footprint,
  type OwnEmissions,
  type Part,
  type PartResult,
  publish,
  type Unit,
} from '../../apps/footprint/index.js';
import {
  findParticipant,
  listBom,
  listParts,
  listRequests,
  listTradeLinks,
  type StoredRequest,
  type Tables,
} from '../../store/index.js';

/**
 * A participant's footprint data as the model takes it: its parts (with own emissions), BOM, trade links,
 * and the verified answers of its direct suppliers (the newest per supplier part).
 */
export interface Company {
  readonly data: CompanyData;
  readonly answers: Map<string, Footprint>;
}

/** The key an answer is filed under: the supplier part, qualified by the supplier (two may reuse an id). */
export const answerKey = (supplierDid: string, supplierPart: string) => `${supplierDid} ${supplierPart}`;

export async function companyOf(db: Kysely<Tables>, participantId: string): Promise<Company> {
  const [participant, parts, bom, links, outbox] = await Promise.all([
    findParticipant(db, participantId),
    listParts(db, participantId),
    listBom(db, participantId),
    listTradeLinks(db, participantId),
    listRequests(db, participantId, { direction: 'outbox' }),
  ]);
  const answers = new Map<string, Footprint>();
  for (const r of outbox) {
    // Oldest first: a newer answer for the same supplier part replaces an older one.
    // A withdrawn request's answer no longer counts.
    if (r.answer !== undefined && r.status === 'answered')
      answers.set(answerKey(r.counterpartyDid, r.partRef), r.answer as Footprint);
  }
  const data: CompanyData = {
    operator: {
      operatorId: participantId,
      operatorName: participant?.name ?? participantId,
      ...(participant?.corporate_number ? { openOperatorId: participant.corporate_number } : {}),
    },
    parts: parts.map(
      (p): Part => ({
        traceId: p.traceId,
        operatorId: participantId,
        partsName: p.name,
        unit: p.unit as Unit,
        terminatedFlag: p.leaf,
        ...(p.massPerUnit !== undefined ? { massPerUnit: p.massPerUnit } : {}),
        ...(p.productIds.length > 0 ? { productIds: p.productIds } : {}),
      }),
    ),
    bom: bom.map((l) => ({ ...l, unit: l.unit as Unit })),
    own: parts.flatMap((p) => (p.own ? [{ ...(p.own as OwnEmissions), traceId: p.traceId }] : [])),
    // The model keys answers by the upstream trace id: ours qualifies it by the supplier.
    tradeLinks: links.map((l) => ({
      downstreamTraceId: l.traceId,
      upstreamOperatorId: l.supplierDid,
      upstreamTraceId: answerKey(l.supplierDid, l.supplierPart),
    })),
  };
  return { data, answers };
}

/** The parts below `traceId` (itself included) that are bought, each once. */
export function boughtBelow(data: CompanyData, traceId: string): Set<string> {
  const linked = new Set(data.tradeLinks.map((l) => l.downstreamTraceId));
  const children = new Map<string, string[]>();
  for (const l of data.bom)
    children.set(l.parentTraceId, [...(children.get(l.parentTraceId) ?? []), l.childTraceId]);
  const seen = new Set<string>();
  const found = new Set<string>();
  const stack = [traceId];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    if (linked.has(next)) found.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
}

/** One part's result as its owner may see it: rounded footprint, line breakdown, flags (one hop only). */
export function shownResult(r: PartResult) {
  return {
    traceId: r.traceId,
    partial: r.footprint?.partial ?? true,
    ...(r.footprint ? { footprint: publish(r.footprint) } : {}),
    lines: r.lines.map((l) => ({
      childTraceId: l.childTraceId,
      grossDeclaredUnits: l.grossDeclaredUnits.toFixed(),
      netDeclaredUnits: l.netDeclaredUnits.toFixed(),
    })),
    flags: r.flags.map((f) => {
      const { supplier, ...rest } = f as typeof f & { supplier?: { operatorId: string; traceId: string } };
      // The supplier part is filed qualified by its supplier: show the supplier's own part id.
      return supplier
        ? {
            ...rest,
            supplier: {
              did: supplier.operatorId,
              part: supplier.traceId.slice(supplier.operatorId.length + 1),
            },
          }
        : rest;
    }),
  };
}

/** Aggregates the given parts (default: all) of the participant. */
export async function resultsOf(db: Kysely<Tables>, participantId: string, targets?: readonly string[]) {
  const { data, answers } = await companyOf(db, participantId);
  return { data, results: aggregate(data, answers, targets) };
}

export type { StoredRequest };
