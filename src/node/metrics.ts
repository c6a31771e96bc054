import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per node (not prom-client's global), so several nodes can share a process in tests. */
export interface NodeMetrics {
  readonly registry: Registry;
  readonly dbQueries: Counter;
  readonly httpRequests: Counter<'scope' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'scope'>;
}

export function createMetrics(): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'musubi_' });
  return {
    registry,
    dbQueries: new Counter({
      name: 'musubi_db_queries_total',
      help: 'SQL queries executed',
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'musubi_http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['scope', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'musubi_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['scope'] as const,
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2],
      registers: [registry],
    }),
  };
}
