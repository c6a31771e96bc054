import { Conflict, InvalidInput } from '../../errors/index.js';
import type { ChainFinding } from './chain.js';

export class AuditChainBroken extends Conflict {
  constructor(finding: ChainFinding) {
    super(
      `audit.${finding.problem}`,
      `audit chain broken at entry ${finding.seq} (${finding.problem}): ${finding.message}`,
      {
        seq: finding.seq,
        problem: finding.problem,
      },
    );
  }
}

export class AuditExportInvalid extends InvalidInput {
  constructor(line: number, why: string) {
    super('audit.export-invalid', `line ${line} of the export: ${why}`, { line });
  }
}

export class AuditKeyInvalid extends InvalidInput {
  constructor(why: string) {
    super('audit.key-invalid', why);
  }
}
