import { Command, Option } from 'commander';
import { configFrom, type GlobalOptions, runCommand } from '../run.js';

interface StartFlags {
  readonly port?: string;
  readonly host?: string;
  readonly bind?: string;
  readonly profile?: string;
  readonly insecureHttp?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

export function nodeCommand(globals: () => GlobalOptions): Command {
  const node = new Command('node').description('run a Musubi node');
  node
    .command('start')
    .description('serve the management API, the protocol endpoints and the console on one port')
    .addOption(new Option('-p, --port <n>', 'TCP port (0 = any free port)'))
    .addOption(new Option('--host <name>', 'public host[:port] peers use, for did:web ids'))
    .addOption(new Option('--bind <address>', 'address to listen on'))
    .addOption(
      new Option('--profile <name>', 'tck: DSP conformance profile (plain HTTP, the TCK header)').choices([
        'standard',
        'tck',
      ]),
    )
    .addOption(
      new Option('--tls-cert <file>', 'PEM certificate to serve HTTPS with (default: one from the local CA)'),
    )
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert'))
    .addOption(
      new Option(
        '--insecure-http',
        'serve and call peers over plain HTTP instead of HTTPS (development only)',
      ),
    )
    .action(async (flags: StartFlags) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g, {
          port: flags.port,
          host: flags.host,
          bind: flags.bind,
          profile: flags.profile,
          plainHttp: flags.insecureHttp,
          tlsCert: flags.tlsCert,
          tlsKey: flags.tlsKey,
        });
        // The server loads only when a node starts (it is most of the package).
        const { startNode } = await import('../../node/start.js');
        const running = await startNode(loaded, { announce: (line) => process.stdout.write(`${line}\n`) });
        process.stdout.write(`Musubi node listening on ${running.url}\n`);
        if (running.caFile)
          process.stdout.write(`Local CA (curl --cacert, musubi --ca): ${running.caFile}\n`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            process.stdout.write(`Shutting down (${signal})…\n`);
            running.close().then(resolve, (e) => {
              process.stderr.write(`musubi: shutdown failed: ${(e as Error).message}\n`);
              process.exitCode = 1;
              resolve();
            });
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
        process.stdout.write('Stopped.\n');
      });
    });
  return node;
}
