import { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';

// The store and key code is imported inside each action, so `musubi --help` and other commands do not load it.

/** Offline administration of the participants a node hosts (works on the store; the node may be stopped). */
export function participantCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('participant').description('manage the participants (companies) this node hosts');

  cmd
    .command('create <id>')
    .description('create a participant with its key pairs and a first API key (shown once)')
    .requiredOption('--name <name>', 'display name, e.g. 株式会社結び製作所')
    .option('--corporate-number <number>', '13-digit corporate number (法人番号)')
    .option('--json', 'output as JSON')
    .action(async (id: string, flags: { name: string; corporateNumber?: string; json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const { openNodeStore } = await import('../../node/open.js');
        const { createParticipant } = await import('../../node/participants.js');
        const { database, participants } = await openNodeStore(configFrom(g));
        try {
          const input = {
            id,
            name: flags.name,
            ...(flags.corporateNumber ? { corporateNumber: flags.corporateNumber } : {}),
          };
          const { participant, apiKey } = await createParticipant(participants, input, 'cli');
          if (flags.json)
            return printJson({ id: participant.id, name: participant.name, apiKey: apiKey.key });
          process.stdout.write(
            `Created participant: ${participant.id}\nManagement API key (shown once, keep it safe): ${apiKey.key}\n`,
          );
        } finally {
          await database.close();
        }
      });
    });

  cmd
    .command('list')
    .description('list participants')
    .option('--json', 'output as JSON')
    .action(async (flags: { json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const { openNodeStore } = await import('../../node/open.js');
        const { listParticipants } = await import('../../store/index.js');
        const { database } = await openNodeStore(configFrom(g));
        try {
          const rows = await listParticipants(database.db);
          if (flags.json) {
            return printJson(
              rows.map((p) => ({
                id: p.id,
                name: p.name,
                corporateNumber: p.corporate_number,
                createdAt: p.created_at,
              })),
            );
          }
          for (const p of rows)
            process.stdout.write(
              `${p.id}\t${p.name}${p.corporate_number ? `\t${p.corporate_number}` : ''}\n`,
            );
        } finally {
          await database.close();
        }
      });
    });

  cmd
    .command('issue-key <id>')
    .description('issue another management API key for a participant (shown once)')
    .option('--label <label>', 'what the key is for', 'cli')
    .option('--json', 'output as JSON')
    .action(async (id: string, flags: { label: string; json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const { openNodeStore } = await import('../../node/open.js');
        const { issueApiKey } = await import('../../node/participants.js');
        const { database, participants } = await openNodeStore(configFrom(g));
        try {
          const issued = await issueApiKey(participants, id, flags.label, 'cli', 'cli');
          if (flags.json) return printJson(issued);
          process.stdout.write(`API key ${issued.id} (shown once): ${issued.key}\n`);
        } finally {
          await database.close();
        }
      });
    });

  cmd
    .command('rotate-key <id>')
    .description(
      'rotate the participant’s key pairs without downtime: published now, signing after the activation delay',
    )
    .option('--activate-in <seconds>', 'seconds until the new keys sign (default: keyActivationDelayS)')
    .option('--json', 'output as JSON')
    .action(async (id: string, flags: { activateIn?: string; json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g);
        const delay = flags.activateIn ?? String(loaded.values.keyActivationDelayS);
        if (!/^\d{1,6}$/.test(delay))
          throw new InvalidInput('cli.invalid-delay', `--activate-in must be whole seconds, got ${delay}`);
        const { openNodeStore } = await import('../../node/open.js');
        const { rotateParticipantKey } = await import('../../node/participants.js');
        const { database, participants } = await openNodeStore(loaded);
        try {
          const rotated = await rotateParticipantKey(participants, id, Number(delay) * 1000, 'cli', 'cli');
          if (flags.json) return printJson(rotated);
          process.stdout.write(
            `New keys ${rotated.kids.join(', ')}: published now, signing from ${rotated.activeFrom}; the replaced keys stay published for ${loaded.values.keyGracePeriodS} s after that\n`,
          );
        } finally {
          await database.close();
        }
      });
    });
  return cmd;
}
