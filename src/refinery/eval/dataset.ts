import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidDataset } from './errors.js';

/** Parses a JSON-lines file of the datasets directory. */
export async function readJsonLines(dir: string, file: string): Promise<unknown[]> {
  const text = await readText(dir, file);
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new InvalidDataset(file, `line ${i + 1} is not JSON (${String(error)})`);
      }
    });
}

export async function readText(dir: string, file: string): Promise<string> {
  try {
    return await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    throw new InvalidDataset(file, `cannot be read from ${dir} (${String(error)})`);
  }
}

/** A string field of a parsed record, or an error naming the file and field. */
export function stringField(record: unknown, field: string, file: string): string {
  const value = (record as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string') throw new InvalidDataset(file, `field ${field} is not a string`);
  return value;
}

export function numberField(record: unknown, field: string, file: string): number {
  const value = (record as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'number') throw new InvalidDataset(file, `field ${field} is not a number`);
  return value;
}
