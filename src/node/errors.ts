import { Conflict, InvalidInput, MusubiError } from '../errors/index.js';

export class InvalidParticipantId extends InvalidInput {
  constructor(id: string) {
    super(
      'participant.invalid-id',
      `participant id ${JSON.stringify(id)} must be 1–63 lowercase letters, digits or hyphens, starting with a letter or digit`,
      { id },
    );
  }
}

export class InvalidCorporateNumber extends InvalidInput {
  constructor(value: string) {
    super(
      'participant.invalid-corporate-number',
      `corporate number ${JSON.stringify(value)} is not a valid 13-digit 法人番号`,
      {
        value,
      },
    );
  }
}

export class ParticipantExists extends Conflict {
  constructor(id: string) {
    super('participant.exists', `participant ${JSON.stringify(id)} already exists`, { id });
  }
}

export class PortInUse extends MusubiError {
  constructor(bind: string, port: number) {
    super(
      'node.port-in-use',
      'conflict',
      `port ${port} on ${bind} is already in use (choose another with --port)`,
      { port },
    );
  }
}

export class NodeSecretUnreadable extends MusubiError {
  constructor(path: string, reason: string) {
    super('node.secret-unreadable', 'invalid', `node secret file ${path} cannot be used (${reason})`, {
      path,
    });
  }
}
