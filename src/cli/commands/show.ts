import { Command } from 'commander';
// Types only: the corpus and export code load when the command runs, so other commands do not pay for them.
import type { BlockNode } from '../../refinery/export/index.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';

const marks: Readonly<Record<string, string>> = {
  heading: '#',
  paragraph: '¶',
  'list-item': '•',
  step: '→',
  caution: '⚠',
  table: '▦',
  figure: '▣',
  code: '⌨',
};

const ownBullet = /^[\p{So}・•●○■□◆◇▪◦‣]/u;

function oneLine(text: string, width = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function blockLine(node: BlockNode): string {
  switch (node.kind) {
    case 'heading':
      return `${'#'.repeat(node.level)} ${oneLine(node.text)}`;
    case 'step':
      return `${marks['step']} ${node.text.startsWith(node.marker) ? '' : `${node.marker} `}${oneLine(node.text)}`;
    case 'caution':
      return `${marks['caution']} ${node.text.startsWith(node.label) ? '' : `[${node.label}] `}${oneLine(node.text)}`;
    case 'list-item':
      // An item that shows its own bullet (•, ・, ⚫, ➢ …) is not given a second one.
      return ownBullet.test(node.text) ? oneLine(node.text) : `${marks['list-item']} ${oneLine(node.text)}`;
    case 'table':
      return `${marks['table']} table ${node.rows.length}×${Math.max(0, ...node.rows.map((r) => r.length))}${node.caption ? ` ${node.caption}` : ''}: ${oneLine(node.text, 70)}`;
    default:
      return `${marks[node.kind] ?? '-'} ${oneLine(node.text)}`;
  }
}

function printTree(nodes: readonly BlockNode[], depth: number): void {
  for (const node of nodes) {
    process.stdout.write(`${'  '.repeat(depth)}${blockLine(node)}\n`);
    if (node.children) printTree(node.children, depth + 1);
  }
}

export function showCommand(globals: () => GlobalOptions): Command {
  return new Command('show')
    .description('print the block tree of a refined document')
    .argument('<doc>', 'document uri, uri suffix or file name')
    .option('--json', 'output as JSON (the block tree)')
    .action(async (name: string, flags: { json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g);
        const { DocumentNotFound } = await import('../../refinery/corpus/index.js');
        const { blockTree } = await import('../../refinery/export/index.js');
        const { corpusOf } = await import('../corpus.js');
        const corpus = corpusOf(loaded);
        try {
          const stored = corpus.findDocument(name);
          const doc = corpus.parsed(stored.uri);
          if (!doc) throw new DocumentNotFound(`${name} (failed: ${stored.error ?? 'not refined'})`);
          const tree = blockTree(doc);
          if (flags.json) return printJson(tree);
          const title = doc.metadata.title ? ` “${doc.metadata.title}”` : '';
          process.stdout.write(
            `${stored.uri}${title} (${stored.format}, ${doc.blocks.length} blocks, ${stored.chunks} chunks)\n`,
          );
          printTree(tree.children, 1);
        } finally {
          corpus.close();
        }
      });
    });
}
