import { Command, type CommanderError, Option } from 'commander';
import { exitCodes } from '../errors/index.js';
// Narrow modules, not the node's index: that one loads the server (see test/cli/cold-start.test.ts).
import { packageVersion } from '../node/version.js';
import { assetCommand } from './commands/asset.js';
import { auditCommand } from './commands/audit.js';
import { authorityCommand } from './commands/authority.js';
import { catalogCommand } from './commands/catalog.js';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { directoryCommand } from './commands/directory.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { negotiateCommand } from './commands/negotiate.js';
import { nodeCommand } from './commands/node.js';
import { offerCommand } from './commands/offer.js';
import { ouranosCommand } from './commands/ouranos.js';
import { pactCommand } from './commands/pact.js';
import { participantCommand } from './commands/participant.js';
import { pcfCommand } from './commands/pcf.js';
import { policyCommand } from './commands/policy.js';
import { refineCommand } from './commands/refine.js';
import { sandboxCommand } from './commands/sandbox.js';
import { searchCommand } from './commands/search.js';
import { showCommand } from './commands/show.js';
import { transferCommand } from './commands/transfer.js';
import type { GlobalOptions } from './run.js';

/** The `musubi` command tree. Global options precede or follow the subcommand. */
export function buildProgram(): Command {
  const program = new Command('musubi')
    .description('Musubi (結び): refine industrial documents into AI-ready data and share it peer to peer')
    .version(packageVersion())
    .addOption(new Option('--config <file>', 'JSON configuration file'))
    .addOption(new Option('--store <dir>', 'store directory (SQLite database, keys, refined files)'))
    .addOption(
      new Option('--log-level <level>', 'log level of the JSON log on stderr').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions(false)
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  for (const sub of [
    nodeCommand(globals),
    participantCommand(globals),
    configCommand(globals),
    refineCommand(globals),
    searchCommand(globals),
    showCommand(globals),
    exportCommand(globals),
    evalCommand(globals),
    demoCommand(globals),
    transferCommand(globals),
    negotiateCommand(globals),
    assetCommand(globals),
    policyCommand(globals),
    offerCommand(globals),
    catalogCommand(globals),
    auditCommand(globals),
    authorityCommand(globals),
    directoryCommand(globals),
    pactCommand(globals),
    pcfCommand(globals),
    sandboxCommand(globals),
    ouranosCommand(globals),
  ]) {
    program.addCommand(sub);
  }
  for (const sub of program.commands) applyExitOverride(sub);
  return program;
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) applyExitOverride(sub);
}

/** Commander's own errors (unknown option, missing argument) are invalid input; help and version are fine. */
export function exitCodeOf(e: CommanderError): number {
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
    return 0;
  if (e.exitCode === 0) return 0;
  return exitCodes.invalid;
}
