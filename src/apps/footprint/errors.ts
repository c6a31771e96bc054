import { InvalidInput, MusubiError, Unauthorized } from '../../errors/index.js';

/** A bill of materials that refers back to itself; `cycle` lists the trace ids, first repeated last. */
export class BomCycle extends InvalidInput {
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[], names: readonly string[]) {
    super('footprint.bom-cycle', `the bill of materials has a cycle: ${names.join(' → ')}`, {
      cycle,
    });
    this.cycle = cycle;
  }
}

/** A quantity that cannot be expressed in the unit a footprint is declared in. */
export class UnitMismatch extends InvalidInput {
  readonly part: string;
  constructor(part: string, partName: string, from: string, to: string, why: string) {
    super('footprint.unit-mismatch', `part ${partName} (${part}): cannot convert ${from} to ${to}: ${why}`, {
      part,
      from,
      to,
    });
    this.part = part;
  }
}

/** A value in a footprint, BOM or own-emission record that is not what the model accepts. */
export class InvalidFootprint extends InvalidInput {
  constructor(where: string, reason: string) {
    super('footprint.invalid', `${where}: ${reason}`, { where });
  }
}

/** A reference to a part nobody defined. */
export class UnknownPart extends MusubiError {
  constructor(traceId: string, referencedBy: string) {
    super('footprint.unknown-part', 'not-found', `part ${traceId} (used by ${referencedBy}) is not defined`, {
      traceId,
      referencedBy,
    });
  }
}

/** A BOM file line that cannot be imported; `line` is 1-based in the file as given. */
export class BomImportError extends InvalidInput {
  readonly line: number;
  constructor(line: number, reason: string) {
    super('footprint.bom-import', `line ${line}: ${reason}`, { line });
    this.line = line;
  }
}

/** A mapping between Ouranos, PACT v3 and PACT v2.3 that could only be made by inventing data. */
export class MappingRefused extends InvalidInput {
  readonly reasons: readonly string[];
  constructor(target: string, reasons: readonly string[]) {
    super('footprint.mapping-refused', `cannot map to ${target}: ${reasons.join('; ')}`, {
      target,
      reasons,
    });
    this.reasons = reasons;
  }
}

/** A signed footprint whose signature, algorithm or payload does not check out. */
export class SignatureInvalid extends Unauthorized {
  constructor(reason: string) {
    super('footprint.signature-invalid', `signed footprint rejected: ${reason}`);
  }
}
