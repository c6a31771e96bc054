import type { Constraint, PolicyRules, Rule } from './policy.js';
import type { OperandRegistry } from './registry.js';
import { addDuration, type Duration, type Interval, listOf, readRight, unwrap } from './values.js';

/**
 * The policy monitor's pure part: when a running transfer's decision can next change by time alone. A
 * date-time constraint can only flip where its right operand's interval starts or ends; an elapsed-time one
 * where the agreement's signature plus the duration falls. The node sleeps until the earliest of these (or
 * its bound, for claims that change without telling), never polls at a fixed short rate.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const logicalKeys = ['and', 'or', 'xone', 'andSequence'] as const;

function atomics(c: Constraint | unknown, out: Record<string, unknown>[], depth = 0): void {
  if (!isObject(c) || depth > 32) return;
  const kind = logicalKeys.find((k) => k in c);
  if (kind === undefined) {
    out.push(c);
    return;
  }
  for (const member of listOf(c[kind]) ?? []) atomics(member, out, depth + 1);
}

function rulesIn(rules: PolicyRules): Rule[] {
  const top = [...(rules.permission ?? []), ...(rules.prohibition ?? []), ...(rules.obligation ?? [])];
  return [...top, ...top.flatMap((r) => (Array.isArray(r.duty) ? r.duty : []))];
}

/** Every atomic constraint of the policy's rules and their duties, logical constraints flattened. */
export function atomicConstraints(rules: PolicyRules): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const r of rulesIn(rules)) for (const c of r.constraint ?? []) atomics(c, found);
  return found;
}

/** The kinds of left operand the policy's constraints read (`usage`: the caller must count uses and bytes). */
export function operandKinds(rules: PolicyRules, registry: OperandRegistry): ReadonlySet<string> {
  const found = atomicConstraints(rules);
  const kinds = new Set<string>();
  for (const c of found) {
    const left = unwrap(c.leftOperand).value;
    const operand = typeof left === 'string' ? registry.operand(left) : undefined;
    if (operand) kinds.add(operand.kind);
  }
  return kinds;
}

/** The instants (epoch ms) at which a time constraint of the policy may change its outcome. */
export function timeEdges(rules: PolicyRules, registry: OperandRegistry, signedAt?: string): number[] {
  const found: Record<string, unknown>[] = [];
  for (const r of rulesIn(rules)) for (const c of r.constraint ?? []) atomics(c, found);
  const anchor = signedAt === undefined ? Number.NaN : Date.parse(signedAt);
  const edges: number[] = [];
  for (const c of found) {
    const left = unwrap(c.leftOperand).value;
    const operand = typeof left === 'string' ? registry.operand(left) : undefined;
    if (!operand || (operand.type !== 'dateTime' && operand.type !== 'duration')) continue;
    const values = Array.isArray(c.rightOperand) ? c.rightOperand : [c.rightOperand];
    for (const v of values) {
      const read = readRight(operand.type, v, registry.read);
      if (!read.ok) continue;
      if (operand.type === 'dateTime') {
        const i = read.value as Interval;
        edges.push(i.start, i.end);
      } else if (!Number.isNaN(anchor)) {
        const at = addDuration(anchor, read.value as Duration);
        edges.push(at, at + 1);
      }
    }
  }
  return edges;
}

/** The first instant after `now` at which the policy's time constraints may flip, if any. */
export function nextTimeEdge(
  rules: PolicyRules,
  registry: OperandRegistry,
  now: Date,
  signedAt?: string,
): Date | undefined {
  const t = now.getTime();
  let next = Number.POSITIVE_INFINITY;
  for (const e of timeEdges(rules, registry, signedAt)) if (e > t && e < next) next = e;
  return Number.isFinite(next) ? new Date(next) : undefined;
}

/** When the monitor looks again: the earliest edge, but never later than `boundMs` from now. */
export function nextWake(edges: readonly (Date | undefined)[], now: Date, boundMs: number): Date {
  let at = now.getTime() + boundMs;
  for (const e of edges) if (e && e.getTime() < at) at = e.getTime();
  return new Date(Math.max(at, now.getTime()));
}
