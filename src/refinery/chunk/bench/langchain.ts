import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { type BenchChunk, locateChunks } from './evaluate.js';

/** The baseline: LangChain's RecursiveCharacterTextSplitter with the usual 20 % overlap. */
export async function recursiveChunks(
  documents: readonly { readonly text: string; readonly group: string }[],
  size: number,
): Promise<BenchChunk[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: size,
    chunkOverlap: Math.floor(size / 5),
  });
  const out: BenchChunk[] = [];
  for (const { text, group } of documents) {
    const pieces = await splitter.splitText(text);
    const spans = locateChunks(text, pieces);
    pieces.forEach((piece, i) => {
      const span = spans[i];
      out.push({ content: piece, text: piece, group, ...(span ? { span } : {}) });
    });
  }
  return out;
}

/** LangChain's default-sized run (1000/200) and, when our budget differs, one at our size too. */
export function baselineSizes(size: number): number[] {
  return size === 1000 ? [1000] : [1000, size];
}

export const baselineName = (size: number) => `langchain recursive ${size}/${Math.floor(size / 5)}`;
