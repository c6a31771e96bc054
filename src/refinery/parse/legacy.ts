/**
 * Legacy binary Office files (.doc/.xls/.ppt). The one parser edge that touches the file system: when
 * LibreOffice is available it converts the file to its modern format in a private temp dir, which is then
 * parsed as usual; without it the file is refused with the conversion command to run by hand.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Parser } from '../document/index.js';
import { ConversionFailed, UnsupportedFormat } from './errors.js';

export type LegacyFormat = 'doc' | 'xls' | 'ppt';
const modern: Readonly<Record<LegacyFormat, 'docx' | 'xlsx' | 'pptx'>> = {
  doc: 'docx',
  xls: 'xlsx',
  ppt: 'pptx',
};

export interface LegacyOptions {
  /** Path of `soffice`; undefined refuses legacy files. Find it with `findSoffice(process.env.PATH)`. */
  readonly soffice?: string;
  /** Conversion time limit. Default 120 s. */
  readonly timeoutMs?: number;
}

/** The `soffice` (or `libreoffice`) executable on a PATH-style list of directories, if any. */
export function findSoffice(pathList: string | undefined): string | undefined {
  for (const dir of (pathList ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of ['soffice', 'libreoffice']) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** A parser for one legacy format that converts with LibreOffice and hands the result to `parseModern`. */
export function legacyParser(format: LegacyFormat, parseModern: Parser, options: LegacyOptions = {}): Parser {
  const target = modern[format];
  return async (bytes, source) => {
    if (options.soffice === undefined) {
      throw new UnsupportedFormat(
        `unsupported legacy format .${format} — convert to .${target} (LibreOffice: soffice --headless --convert-to ${target})`,
        { format, target },
      );
    }
    const converted = await convert(
      bytes,
      format,
      target,
      options.soffice,
      options.timeoutMs ?? 120_000,
      source.uri,
    );
    const doc = await parseModern(converted, source);
    return { ...doc, metadata: { ...doc.metadata, convertedFrom: format } };
  };
}

async function convert(
  bytes: Uint8Array,
  format: LegacyFormat,
  target: string,
  soffice: string,
  timeoutMs: number,
  uri: string,
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'musubi-convert-'));
  try {
    const input = join(dir, `input.${format}`);
    await writeFile(input, bytes);
    // A private profile dir lets conversions run while a desktop LibreOffice is open.
    const args = [
      `-env:UserInstallation=file://${join(dir, 'profile')}`,
      '--headless',
      '--convert-to',
      target,
      '--outdir',
      dir,
      input,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(soffice, args, { timeout: timeoutMs }, (error) =>
        error === null ? resolve() : reject(error),
      );
    });
    return new Uint8Array(await readFile(join(dir, `input.${target}`)));
  } catch (e) {
    throw new ConversionFailed(uri, e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
