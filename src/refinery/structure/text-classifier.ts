/**
 * Classifies paragraphs in context. A line alone cannot tell "3. 記録" (the next chapter) from "3. 記録する"
 * (the next step): the enclosing heading (is it a procedure?) and the steps seen so far decide. Parsers feed
 * it their paragraphs in reading order and tell it about headings they know from markup.
 */
import type { Location } from '../document/index.js';
import type { BlockDraft } from './blocks.js';
import { classifyLine, isProcedureTitle, type LineClass } from './line.js';
import { numeralValue } from './numerals.js';

export interface TextClassifier {
  /** Tells the classifier a heading (from markup or styles) was emitted. */
  heading(title: string): void;
  /**
   * The draft for a paragraph of raw text: step, caution, heading (only with `headings`), or paragraph.
   * The text is kept as found, marker included; `location` is passed through.
   */
  block(raw: string, location: Location): BlockDraft;
}

export interface TextClassifierOptions {
  /** Whether numbered lines (第1章, 1.1) may become headings; false where markup already gives headings. */
  readonly headings: boolean;
}

const bareNumber = /^[0-9０-９]{1,3}[.．、]$/;

interface SequenceState {
  inProcedure: boolean;
  lastStep: { number: number; bare: boolean } | undefined;
  /** Number of the last bare "N." heading, to tell the next chapter from the next step. */
  lastBareHeading: number | undefined;
}

export function createTextClassifier(options: TextClassifierOptions): TextClassifier {
  const state: SequenceState = { inProcedure: false, lastStep: undefined, lastBareHeading: undefined };
  const heading = (title: string): void => {
    state.inProcedure = isProcedureTitle(title);
    state.lastStep = undefined;
  };
  return {
    heading,
    block(raw, location) {
      const firstLine = raw.split(/\r?\n/, 1)[0] ?? '';
      const c = resolve(classifyLine(firstLine), firstLine, state);
      const text = raw.trimEnd();
      if (c?.kind === 'step') {
        state.lastStep = { number: c.number, bare: bareNumber.test(c.marker) };
        return { kind: 'step', number: c.number, marker: c.marker, text, location };
      }
      if (c?.kind === 'caution') return { kind: 'caution', level: c.level, label: c.label, text, location };
      if (c?.kind === 'heading' && options.headings && !text.includes('\n')) {
        heading(text);
        if (bareNumber.test(c.marker)) state.lastBareHeading = numeralValue(c.marker.slice(0, -1));
        return { kind: 'heading', level: c.level, text, location };
      }
      const bullet = c === null ? bulletOf(firstLine) : undefined;
      if (bullet !== undefined)
        return { kind: 'list-item', depth: bullet.depth, ordered: false, text, location };
      return { kind: 'paragraph', text, location };
    },
  };
}

function resolve(c: LineClass | null, line: string, state: SequenceState): LineClass | null {
  // Only a short "N. title" line is ambiguous; classifyLine already made sentence-like ones steps.
  if (c?.kind !== 'heading' || !bareNumber.test(c.marker)) return c;
  const asStep = classifyLine(line, { inProcedure: true });
  if (asStep?.kind !== 'step') return c;
  const { lastStep, inProcedure, lastBareHeading } = state;
  // A bare "N." continues a run of "N." steps, or opens one under a procedure heading (or as an instruction).
  if (lastStep === undefined) {
    return asStep.number === 1 && (inProcedure || endsLikeInstruction(asStep.text)) ? asStep : c;
  }
  if (!lastStep.bare || asStep.number !== lastStep.number + 1) return c;
  // It continues both the steps and the chapters ("3. 記録" after steps 1–2 under "2. 作業手順"):
  // instructions end in a verb (電源を切る), titles in a noun (記録).
  if (lastBareHeading !== undefined && asStep.number === lastBareHeading + 1) {
    return endsLikeInstruction(asStep.text) ? asStep : c;
  }
  return asStep;
}

function endsLikeInstruction(text: string): boolean {
  return /[るすくうつむぶぐぬいた]$|こと$|ください$|[。．.]$/.test(text.trim());
}

const bulletPrefix = /^([ \t\u3000]*)[・･●○◦■□◆◇▪▫•‣\-*＊][ \t\u3000]*(?=\S)/;

/** A typed bullet ("・保護手袋", "- 工具", "● 予備品"): its depth from indentation (2 columns per level). */
export function bulletOf(line: string): { depth: number; textStart: number } | undefined {
  const m = bulletPrefix.exec(line);
  if (m === null) return undefined;
  // "-" and "*" count only when followed by a space, so "-20℃" or "*印" stay plain text.
  if (/[-*＊]$/.test(m[0])) return undefined;
  const indent = [...m[1]!].reduce((n, ch) => n + (ch === '\u3000' || ch === '\t' ? 2 : 1), 0);
  return { depth: Math.floor(indent / 2), textStart: m[0].length };
}
