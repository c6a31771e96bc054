/**
 * The freshness lifetime a `Cache-Control` header grants, in seconds: `max-age`, or 0 for `no-store` / `no-cache`;
 * undefined when the header says nothing about it (the cache then applies its own default).
 */
export function cacheLifetime(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  if (/(^|[\s,])(no-store|no-cache)\b/i.test(cacheControl)) return 0;
  const m = /(^|[\s,])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return m ? Number(m[2]) : undefined;
}
