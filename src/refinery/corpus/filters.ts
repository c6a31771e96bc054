import { InvalidFilter } from './errors.js';

/** Narrow a search to part of the corpus (applied before the top k are taken). */
export interface SearchFilters {
  /** A document uri, a uri suffix or a file name. */
  readonly file?: string;
  /** A folder prefix of the uri (`manuals` or `manuals/pumps`). */
  readonly folder?: string;
  /** A format name: pdf, docx, xlsx, markdown, csv, html … */
  readonly type?: string;
  /** Documents carrying every one of these tags (set with `musubi refine --tag`). */
  readonly tags?: readonly string[];
  /** Documents refined at or after this instant. */
  readonly since?: Date;
  /**
   * The document's own date — the date printed in it (running header, properties) when the parser found one,
   * else the file's modification day — on or after `dateFrom` and on or before `dateTo`: `2024`, `2024-04`
   * or `2024-04-01`, each inclusive at its own precision.
   */
  readonly dateFrom?: string;
  readonly dateTo?: string;
}

// File extensions people type for the format names the parsers record.
const typeAliases: Readonly<Record<string, string>> = { md: 'markdown', txt: 'text', htm: 'html' };

const partialDate = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** A document's date as an ISO day (or month) string, in SQL over `documents d`. */
export const documentDateSql = `coalesce(json_extract(d.metadata, '$.date'),
  strftime('%Y-%m-%d', d.mtime_ms / 1000, 'unixepoch'))`;

function checkedDate(value: string, flag: string): string {
  const v = value.trim().replace(/\//g, '-');
  if (!partialDate.test(v) || Number.isNaN(Date.parse(v)))
    throw new InvalidFilter(`${flag} must be a date such as 2024, 2024-04 or 2024-04-01 (got ${value})`, {
      [flag]: value,
    });
  return v;
}

/** The filters as SQL conditions over `documents d` (each prefixed ` AND `) and their named parameters. */
export function filterSql(filters: SearchFilters): { where: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (filters.file !== undefined) {
    parts.push(`(d.uri = @file OR d.uri LIKE @fileSuffix ESCAPE '\\')`);
    params['file'] = filters.file;
    params['fileSuffix'] = `%/${likeEscaped(filters.file)}`;
  }
  if (filters.folder !== undefined) {
    const folder = filters.folder.replace(/\\/g, '/').replace(/^\.\/|\/+$/g, '');
    if (folder === '') throw new InvalidFilter('--folder must name a folder');
    parts.push(`(d.uri LIKE @folder ESCAPE '\\' OR d.uri LIKE @folderInside ESCAPE '\\')`);
    params['folder'] = `${likeEscaped(folder)}/%`;
    params['folderInside'] = `%/${likeEscaped(folder)}/%`;
  }
  if (filters.type !== undefined) {
    parts.push('d.format = @type');
    const type = filters.type.toLowerCase().replace(/^\./, '');
    params['type'] = typeAliases[type] ?? type;
  }
  (filters.tags ?? []).forEach((tag, i) => {
    const t = normaliseTag(tag);
    if (t === '') throw new InvalidFilter('--tag must not be empty');
    parts.push(
      `EXISTS (SELECT 1 FROM document_tags t WHERE t.participant_id = d.participant_id AND t.uri = d.uri
        AND t.tag = @tag${i})`,
    );
    params[`tag${i}`] = t;
  });
  if (filters.since !== undefined) {
    if (Number.isNaN(filters.since.getTime())) throw new InvalidFilter('--since must be a date (2025-04-01)');
    parts.push('d.refined_at >= @since');
    params['since'] = filters.since.toISOString();
  }
  const from = filters.dateFrom === undefined ? undefined : checkedDate(filters.dateFrom, '--date-from');
  const to = filters.dateTo === undefined ? undefined : checkedDate(filters.dateTo, '--date-to');
  // Compared at the coarser precision: 2019-07-20 … 2019-07 is a valid range (the rest of July).
  const common = Math.min(from?.length ?? 0, to?.length ?? 0);
  if (from !== undefined && to !== undefined && from.slice(0, common) > to.slice(0, common))
    throw new InvalidFilter(`--date-from ${from} is after --date-to ${to}`);
  if (from !== undefined) {
    // A month-precision document date (2024-04) is on or after 2024-04-15 if its month is.
    parts.push(`${documentDateSql} >= substr(@dateFrom, 1, length(${documentDateSql}))`);
    params['dateFrom'] = from;
  }
  if (to !== undefined) {
    parts.push(`substr(${documentDateSql}, 1, length(@dateTo)) <= @dateTo`);
    params['dateTo'] = to;
  }
  return { where: parts.map((p) => ` AND ${p}`).join(''), params };
}

/** Tags compare after NFKC and lower-casing, so ＱＡ and qa are one tag. */
export function normaliseTag(tag: string): string {
  return tag.normalize('NFKC').trim().toLowerCase();
}

function likeEscaped(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
