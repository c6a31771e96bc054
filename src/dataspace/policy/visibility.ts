import type { AtomicConstraint, Constraint, PolicyRules, Rule } from './policy.js';

/** Who is asking: the authenticated counterparty and whatever verified claims it presented. */
export interface Counterparty {
  readonly id: string;
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface Decision {
  readonly allowed: boolean;
  /** Why, step by step; for the local log only, never for the requester. */
  readonly trace: readonly string[];
}

/**
 * Whether a counterparty may see an offer governed by this access policy. Pure, so the full ODRL engine can
 * replace it later. A permission grants when all its constraints hold; a prohibition whose constraints all
 * hold takes the grant away. An unknown left operand or operator never holds (deny by default).
 */
export function evaluateAccess(policy: PolicyRules, who: Counterparty): Decision {
  const trace: string[] = [];
  const granted = (policy.permission ?? []).some((r, i) => ruleHolds(r, who, trace, `permission[${i}]`));
  if (!granted) {
    trace.push('no permission holds');
    return { allowed: false, trace };
  }
  const prohibited = (policy.prohibition ?? []).some((r, i) => ruleHolds(r, who, trace, `prohibition[${i}]`));
  if (prohibited) return { allowed: false, trace };
  return { allowed: true, trace };
}

function ruleHolds(rule: Rule, who: Counterparty, trace: string[], where: string): boolean {
  const constraints = rule.constraint ?? [];
  const holds = constraints.every((c, i) => satisfied(c, who, trace, `${where}.constraint[${i}]`));
  trace.push(`${where} (${rule.action}) ${holds ? 'holds' : 'does not hold'}`);
  return holds;
}

function satisfied(c: Constraint, who: Counterparty, trace: string[], where: string): boolean {
  const sub = (xs: readonly Constraint[], tag: string) =>
    xs.map((x, i) => satisfied(x, who, trace, `${where}.${tag}[${i}]`));
  if ('and' in c) return sub(c.and, 'and').every(Boolean);
  if ('andSequence' in c) return sub(c.andSequence, 'andSequence').every(Boolean);
  if ('or' in c) return sub(c.or, 'or').some(Boolean);
  if ('xone' in c) return sub(c.xone, 'xone').filter(Boolean).length === 1;
  return atomicHolds(c, who, trace, where);
}

/** The counterparty's value of a left operand: its id, or a verified claim of that name. */
function operandValue(left: string, who: Counterparty): unknown {
  const name = left.replace(/^(dspace:|odrl:|https:\/\/w3id\.org\/dspace\/2025\/1\/)/, '');
  if (name === 'participantId') return who.id;
  return who.claims?.[name];
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

const operators: Readonly<Record<string, (actual: unknown, right: unknown) => boolean>> = {
  eq: (a, r) => asList(a).some((x) => x === r),
  neq: (a, r) => asList(a).every((x) => x !== r),
  isAnyOf: (a, r) => asList(a).some((x) => asList(r).includes(x)),
  isNoneOf: (a, r) => asList(a).every((x) => !asList(r).includes(x)),
  isAllOf: (a, r) => asList(r).every((x) => asList(a).includes(x)),
  hasPart: (a, r) => asList(a).some((x) => typeof x === 'string' && typeof r === 'string' && x.includes(r)),
};

function atomicHolds(c: AtomicConstraint, who: Counterparty, trace: string[], where: string): boolean {
  const actual = operandValue(c.leftOperand, who);
  const op = operators[c.operator];
  if (!op) {
    trace.push(`${where}: operator ${c.operator} is not supported for visibility`);
    return false;
  }
  if (actual === undefined) {
    trace.push(`${where}: counterparty has no ${c.leftOperand}`);
    return false;
  }
  const holds = op(actual, c.rightOperand);
  trace.push(`${where}: ${c.leftOperand} ${c.operator} ${JSON.stringify(c.rightOperand)} ${holds}`);
  return holds;
}
