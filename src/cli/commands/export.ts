import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { configFrom, type GlobalOptions, runCommand } from '../run.js';

interface ExportFlags {
  readonly format: 'jsonl' | 'markdown' | 'json';
  readonly out?: string;
  readonly doc?: string;
}

export function exportCommand(globals: () => GlobalOptions): Command {
  return new Command('export')
    .description(
      'export the refined corpus: chunks as JSONL (LangChain/LlamaIndex), documents as Markdown or JSON',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['jsonl', 'markdown', 'json'])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--doc <doc>', 'only this document (uri, uri suffix or file name)')
    .action(async (flags: ExportFlags) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g);
        // The corpus and export code load here, not at start, so other commands do not pay for them.
        const { CorpusEmpty } = await import('../../refinery/corpus/index.js');
        const { blockTree, toJsonl, toMarkdown } = await import('../../refinery/export/index.js');
        const { corpusOf } = await import('../corpus.js');
        const corpus = corpusOf(loaded);
        try {
          const uris = flags.doc
            ? [corpus.findDocument(flags.doc).uri]
            : corpus
                .documents()
                .filter((d) => d.status === 'ok')
                .map((d) => d.uri);
          if (uris.length === 0) throw new CorpusEmpty(loaded.values.store);
          const docs = () => uris.flatMap((u) => corpus.parsed(u) ?? []);
          const text =
            flags.format === 'jsonl'
              ? uris.map((u) => toJsonl(corpus.chunks(u))).join('')
              : flags.format === 'markdown'
                ? docs().map(toMarkdown).join('\n---\n\n')
                : `${JSON.stringify(docs().map(blockTree), null, 2)}\n`;
          if (flags.out) writeFileSync(flags.out, text);
          else process.stdout.write(text);
        } finally {
          corpus.close();
        }
      });
    });
}
