import type { Operand } from './operand.js';
import { claimOperand } from './operands/claim.js';
import { count } from './operands/count.js';
import { country } from './operands/country.js';
import { dataVolume } from './operands/data-volume.js';
import { dateTime } from './operands/date-time.js';
import { did } from './operands/did.js';
import { elapsedTime } from './operands/elapsed-time.js';
import { frameworkAgreement } from './operands/framework-agreement.js';
import { industry } from './operands/industry.js';
import { membership } from './operands/membership.js';
import { participantId } from './operands/participant-id.js';
import { purpose } from './operands/purpose.js';
import { role } from './operands/role.js';
import { spatial } from './operands/spatial.js';
import { offsetMinutes, type ReadOptions } from './values.js';
import {
  defaultPrefixes,
  expandIri,
  type Hierarchy,
  hierarchyOf,
  localName,
  odrlActions,
  type Prefixes,
  type Vocabulary,
} from './vocabulary.js';

export interface RegistryOptions {
  /** Added to (and overriding) the default prefixes odrl, dspace, cx-policy, musubi, xsd. */
  readonly prefixes?: Prefixes;
  /** Hierarchies for isA / isPartOf / hasPart on term operands. */
  readonly vocabularies?: readonly Vocabulary[];
  /** The action hierarchy, ODRL's by default (`use` includes `read`, `transfer`, …). */
  readonly actions?: Vocabulary;
  /** The zone of date-times written without one: `Z` (default) or an offset such as `+09:00`. */
  readonly defaultZone?: string;
  /**
   * Left operands `<claimPrefix><name>` read any claim by name as a string (default `claim:`, e.g.
   * `claim:certification`); an empty string turns that off.
   */
  readonly claimPrefix?: string;
}

/** The left operands a policy may use, with the names, vocabularies and actions they are read with. */
export interface OperandRegistry {
  readonly operands: readonly Operand[];
  readonly options: RegistryOptions;
  readonly prefixes: Prefixes;
  readonly read: ReadOptions;
  readonly hierarchy: Hierarchy;
  readonly actions: Hierarchy;
  /** The operand a policy's `leftOperand` names, if any. */
  readonly operand: (leftOperand: string) => Operand | undefined;
  /** This registry plus the given operands (a same-named operand is replaced). */
  readonly with: (...operands: Operand[]) => OperandRegistry;
  /** This registry with other options (vocabularies, prefixes, zone). */
  readonly configure: (options: RegistryOptions) => OperandRegistry;
}

export const builtinOperands: readonly Operand[] = [
  participantId,
  did,
  membership,
  role,
  frameworkAgreement,
  country,
  industry,
  spatial,
  purpose,
  dateTime,
  elapsedTime,
  count,
  dataVolume,
];

export function createRegistry(operands: readonly Operand[], options: RegistryOptions = {}): OperandRegistry {
  const prefixes = { ...defaultPrefixes, ...options.prefixes };
  const defaultOffset = offsetMinutes(options.defaultZone ?? 'Z');
  if (defaultOffset === undefined)
    throw new TypeError(`defaultZone ${options.defaultZone}: write Z or ±hh:mm`);
  const byName = new Map<string, Operand>();
  const byFold = new Map<string, Operand>();
  for (const op of operands) {
    for (const name of [op.name, ...(op.aliases ?? [])]) {
      byName.set(name, op);
      byName.set(expandIri(name, prefixes), op);
    }
    byFold.set(op.name.toLowerCase(), op);
  }
  const claimPrefix = options.claimPrefix ?? 'claim:';
  const operand = (left: string): Operand | undefined => {
    const direct = byName.get(left) ?? byName.get(expandIri(left, prefixes));
    if (direct) return direct;
    if (claimPrefix && left.startsWith(claimPrefix) && left.length > claimPrefix.length)
      return claimOperand(left.slice(claimPrefix.length));
    // A known namespace's term by its local name, case aside (`cx-policy:Purpose` is `purpose`).
    const local = localName(left, prefixes);
    return local !== left ? byFold.get(local.toLowerCase()) : undefined;
  };
  const unique = (list: readonly Operand[]) => [...new Map(list.map((o) => [o.name, o])).values()];
  return {
    operands: unique(operands),
    options,
    prefixes,
    read: { prefixes, defaultOffset },
    hierarchy: hierarchyOf(options.vocabularies ?? [], prefixes),
    actions: hierarchyOf([options.actions ?? odrlActions], {}),
    operand,
    with: (...more) => createRegistry(unique([...operands, ...more]), options),
    configure: (next) => createRegistry(operands, { ...options, ...next }),
  };
}

/** The built-in operands with default options. */
export function defaultRegistry(options: RegistryOptions = {}): OperandRegistry {
  return createRegistry(builtinOperands, options);
}
