/**
 * The one model every parser produces: a source plus an ordered list of typed blocks. Locations are
 * recorded while parsing (never recovered by searching the text afterwards), so every chunk and every
 * search hit can point back to the page, cell range or character span it came from.
 */

/** Where a block came from inside its file. Exactly the fields the format knows are set. */
export interface Location {
  /** 1-based PDF page (or slide number for PPTX). */
  readonly page?: number;
  /** PDF user-space bounding box on that page: [x0, y0, x1, y1], origin top-left, in points. */
  readonly bbox?: readonly [number, number, number, number];
  /** DOCX: 0-based paragraph (or table) index in the body. */
  readonly paragraph?: number;
  /** XLSX/CSV: sheet name and A1 range. */
  readonly sheet?: string;
  readonly range?: string;
  /** Text formats: [start, end) UTF-16 offsets into the decoded source text. */
  readonly span?: readonly [number, number];
  /** Text formats: 1-based first and last line. */
  readonly lines?: readonly [number, number];
}

export type CautionLevel = 'danger' | 'warning' | 'caution' | 'note';

export interface TableCell {
  readonly text: string;
  readonly rowSpan?: number;
  readonly colSpan?: number;
  /** True for header cells (header row or header column). */
  readonly header?: boolean;
}

interface BlockBase {
  /** Stable within the document: `b0`, `b1`, … in reading order. */
  readonly id: string;
  /** Text as found (for display and highlighting); never NFKC-folded. */
  readonly text: string;
  /** Titles of the enclosing headings, outermost first (the block's own title excluded). */
  readonly headingPath: readonly string[];
  readonly location: Location;
}

export interface HeadingBlock extends BlockBase {
  readonly kind: 'heading';
  /** 1 = top level. */
  readonly level: number;
}
export interface ParagraphBlock extends BlockBase {
  readonly kind: 'paragraph';
}
export interface ListItemBlock extends BlockBase {
  readonly kind: 'list-item';
  readonly depth: number;
  readonly ordered: boolean;
}
export interface StepBlock extends BlockBase {
  readonly kind: 'step';
  /** The step's number as written, normalised to an integer (① → 1, 手順3 → 3, (2) → 2). */
  readonly number: number;
  /** The marker exactly as written (①, ⑴, (1), 手順1, 1.). */
  readonly marker: string;
  /** Id of the heading block of the procedure the step belongs to, if any. */
  readonly procedure?: string;
}
export interface CautionBlock extends BlockBase {
  readonly kind: 'caution';
  readonly level: CautionLevel;
  /** The signal word as written: 危険, 警告, 注意, NOTE, WARNING … */
  readonly label: string;
}
export interface TableBlock extends BlockBase {
  readonly kind: 'table';
  /** Rows of cells after merged-cell expansion is NOT applied: spans are kept on the anchor cell. */
  readonly rows: readonly (readonly TableCell[])[];
  readonly headerRows: number;
  readonly headerColumns: number;
  readonly caption?: string;
}
export interface FigureBlock extends BlockBase {
  readonly kind: 'figure';
}
export interface CodeBlock extends BlockBase {
  readonly kind: 'code';
  readonly language?: string;
}

export type Block =
  | HeadingBlock
  | ParagraphBlock
  | ListItemBlock
  | StepBlock
  | CautionBlock
  | TableBlock
  | FigureBlock
  | CodeBlock;

export type BlockKind = Block['kind'];

export interface SourceInfo {
  /** Path or URI as given by the caller (relative to the refined root when known). */
  readonly uri: string;
  /** Detected format: pdf, docx, xlsx, pptx, html, markdown, csv, tsv, text. */
  readonly format: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface DocumentMetadata {
  readonly title?: string;
  readonly pages?: number;
  /** Taken from running headers/footers or document properties. */
  readonly documentNumber?: string;
  readonly revision?: string;
  readonly date?: string;
  readonly classification?: string;
  readonly language?: string;
  /** Pages that had no usable text layer and were neither OCR'd nor recovered. */
  readonly needsOcr?: readonly number[];
  readonly [key: string]: unknown;
}

export interface Document {
  readonly source: SourceInfo;
  readonly metadata: DocumentMetadata;
  readonly blocks: readonly Block[];
}

/** bytes in, Document out; no file system, no globals. */
export type Parser = (bytes: Uint8Array, source: SourceInfo) => Promise<Document>;
