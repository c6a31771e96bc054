/** OCR output made by hand for tests: a word 10 pt per character wide and 12 pt tall, and lines of them. */
import { lineOf, type OcrLine, type OcrWord } from '../../src/refinery/parse/pdf/ocr.js';

export function ocrWord(text: string, x0: number, top: number, confidence = 90): OcrWord {
  return { text, confidence, x0, top, x1: x0 + 10 * [...text].length, bottom: top + 12 };
}

/** A line of the words, as tesseract groups them (text joined the way the parser joins OCR pieces). */
export function ocrLine(...words: OcrWord[]): OcrLine {
  return lineOf(words);
}
