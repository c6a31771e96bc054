import { Command, InvalidArgumentError, Option } from 'commander';
import type { LoadedConfig } from '../../node/config.js';
// Types only: the pipeline (parsers, pdf.js) is imported when a refine runs, so other commands start fast.
import type { RefineProgress, RefineSettings, RefineSummary } from '../../refinery/index.js';
import { createProgress } from '../progress.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';

export interface RefineFlags {
  readonly json?: boolean;
  readonly chunkSize?: number;
  readonly maxFileBytes?: number;
  readonly parseTimeoutMs?: number;
  readonly parseMemoryMb?: number;
  readonly ocr?: string;
  readonly tag?: readonly string[];
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** The command's flags named by config key, so they take part in flags > env > file > defaults. */
export function refineConfigFlags(flags: RefineFlags) {
  return {
    chunkSize: flags.chunkSize,
    refineMaxFileBytes: flags.maxFileBytes,
    refineParseTimeoutMs: flags.parseTimeoutMs,
    refineParseMemoryMb: flags.parseMemoryMb,
    refineOcr: flags.ocr,
  };
}

/** Pipeline settings from the one configuration. */
export function refineSettingsFrom(loaded: LoadedConfig): Partial<RefineSettings> {
  const c = loaded.values;
  return {
    participantId: c.defaultParticipantId,
    chunkSize: c.chunkSize,
    maxFileBytes: c.refineMaxFileBytes,
    parseTimeoutMs: c.refineParseTimeoutMs,
    parseMemoryMb: c.refineParseMemoryMb,
    ocr: c.refineOcr as RefineSettings['ocr'],
  };
}

function progressLine(p: RefineProgress): string | undefined {
  const outcome = p.outcome.padEnd(9);
  if (p.outcome === 'unchanged') return undefined;
  if (p.failure) return `${outcome} ${p.uri} — ${p.failure.reason}: ${p.failure.message}`;
  if (p.outcome === 'renamed') return `${outcome} ${p.from} → ${p.uri} (${p.chunks} chunks)`;
  if (p.outcome === 'removed') return `${outcome} ${p.uri}`;
  return `${outcome} ${p.uri} (${p.chunks} chunks)`;
}

export function summaryLine(s: RefineSummary, store: string): string {
  const seconds = (s.elapsedMs / 1000).toFixed(1);
  return (
    `${s.added} added, ${s.changed} changed, ${s.unchanged} unchanged, ${s.renamed} renamed, ` +
    `${s.removed} removed, ${s.failed} failed — ${s.documents} documents, ${s.chunks} chunks in ${store} (${seconds} s)`
  );
}

/**
 * Refines with a progress bar on a terminal (stderr) and one line per added/changed/failed file on stdout
 * otherwise; `--json` prints only the summary. Failures make the run end non-zero after the summary.
 */
export async function refineWithOutput(
  paths: readonly string[],
  store: string,
  settings: Partial<RefineSettings>,
  json: boolean,
): Promise<RefineSummary> {
  const { refine } = await import('../../refinery/pipeline/index.js');
  // With --json, stdout holds only the summary; on a terminal the bar stands for the files that went fine.
  const progress = createProgress(process.stderr, json ? process.stderr : process.stdout);
  const quiet = json || Boolean(process.stderr.isTTY);
  const summary = await refine(paths, {
    store,
    config: settings,
    onProgress: (p) => {
      const line = progressLine(p);
      if (line && (p.failure || !quiet)) progress.log(line);
      progress.update(p.done, p.total, p.uri);
    },
  });
  progress.finish();
  if (json) printJson({ store, ...summary });
  else process.stdout.write(`${summaryLine(summary, store)}\n`);
  return summary;
}

export function refineCommand(globals: () => GlobalOptions): Command {
  return new Command('refine')
    .description('refine files and folders into the searchable corpus of the store (incremental)')
    .argument('<paths...>', 'files and folders to refine')
    .option('--json', 'print the summary as JSON')
    .option(
      '--chunk-size <chars>',
      'chunk budget in characters, context header included (config chunkSize, default 800)',
      positiveInt,
    )
    .option('--max-file-bytes <n>', 'refuse files larger than this (default 100 MiB)', positiveInt)
    .option('--parse-timeout-ms <n>', 'time limit of one file parse (default 300000)', positiveInt)
    .option('--parse-memory-mb <n>', 'heap limit of a parse worker (default 1024)', positiveInt)
    .addOption(
      new Option(
        '--ocr <mode>',
        'OCR: all (scanned PDF pages, and the text in large images of PDF, DOCX and PPTX), scans (scanned PDF pages only), off (default all)',
      ).choices(['all', 'scans', 'off']),
    )
    .option(
      '--tag <tag>',
      'tag the refined documents (repeatable; search --tag filters)',
      (v, p: string[]) => [...p, v],
      [],
    )
    .action(async (paths: string[], flags: RefineFlags) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g, refineConfigFlags(flags));
        const summary = await refineWithOutput(
          paths,
          loaded.values.store,
          refineSettingsFrom(loaded),
          Boolean(flags.json),
        );
        // Tags and (when configured) chunk embeddings: see search-run.ts.
        await (await import('./search-run.js')).afterRefine(paths, loaded, flags.tag ?? []);
        const { RefineIncomplete } = await import('../../refinery/pipeline/index.js');
        if (summary.failed > 0)
          throw new RefineIncomplete(
            summary.failed,
            summary.failed + summary.added + summary.changed + summary.unchanged + summary.renamed,
          );
      });
    });
}
