import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, envName, loadConfig } from './config.js';

function fileWith(content: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'musubi-config-')), 'musubi.json');
  writeFileSync(f, content);
  return f;
}

describe('config', () => {
  it('takes flags over env over file over defaults and says where each value came from', () => {
    const file = fileWith(JSON.stringify({ port: 7000, bind: '0.0.0.0', store: '/srv/musubi' }));
    const loaded = loadConfig({ flags: { port: '9000' }, env: { MUSUBI_BIND: '127.0.0.2' }, file });
    expect(loaded.values.port).toBe(9000);
    expect(loaded.values.bind).toBe('127.0.0.2');
    expect(loaded.values.store).toBe('/srv/musubi');
    expect(loaded.values.logLevel).toBe('info');
    expect([loaded.sources.port, loaded.sources.bind, loaded.sources.store, loaded.sources.logLevel]).toEqual(
      ['flag', 'env', 'file', 'default'],
    );
  });

  it('is frozen once read', () => {
    const loaded = loadConfig({ env: {} });
    expect(Object.isFrozen(loaded.values)).toBe(true);
    expect(() => {
      (loaded.values as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('names the key in one line for a bad value, an unknown key or an unknown variable', () => {
    expect(() => loadConfig({ flags: { port: 'eighty' }, env: {} })).toThrow(
      /^flag: port must be an integer, got "eighty"$/,
    );
    expect(() => loadConfig({ env: { MUSUBI_PORT: '70000' } })).toThrow(/MUSUBI_PORT: port must be ≤ 65535/);
    expect(() => loadConfig({ env: { MUSUBI_LOG_LEVEL: 'loud' } })).toThrow(/logLevel must be one of/);
    expect(() => loadConfig({ env: {}, file: fileWith('{"prot": 1}') })).toThrow(/unknown key prot/);
    expect(() => loadConfig({ env: {}, file: fileWith('{"port": ') })).toThrow(/is not valid JSON/);
    expect(() => loadConfig({ env: { MUSUBI_PROT: '1' } })).toThrow(/unknown variable MUSUBI_PROT/);
    expect(() => loadConfig({ env: {}, file: '/nonexistent/musubi.json' })).toThrow(ConfigError);
  });

  it('accepts DATABASE_URL as an alias and masks secrets when described', () => {
    const loaded = loadConfig({ env: { DATABASE_URL: 'postgres://u:p@db/x' } });
    expect(loaded.values.databaseUrl).toBe('postgres://u:p@db/x');
    const row = describeConfig(loaded).find((r) => r.key === 'databaseUrl');
    expect(row).toMatchObject({ value: '********', source: 'env' });
    expect(envName('outboundMaxResponseBytes')).toBe('MUSUBI_OUTBOUND_MAX_RESPONSE_BYTES');
  });

  it('splits list values given as text', () => {
    expect(
      loadConfig({ env: { MUSUBI_OUTBOUND_ALLOW: '10.0.0.0/8, peer.local:8443' } }).values.outboundAllow,
    ).toEqual(['10.0.0.0/8', 'peer.local:8443']);
  });
});
