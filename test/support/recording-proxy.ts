import { createServer, type IncomingHttpHeaders, request } from 'node:http';

/** One exchange that went through the proxy, both bodies as text. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly requestHeaders: IncomingHttpHeaders;
  readonly requestBody: string;
  readonly status: number;
  readonly responseBody: string;
}

const collect = async (stream: AsyncIterable<Buffer>) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
};

/**
 * A loopback HTTP proxy in front of one node, recording every request and response. A node started with
 * `host` = the proxy's address publishes its DID, callback, DSP and data-plane URLs there, so everything its
 * peers send it (DSP messages with their tokens, DID resolution, data pulls, token refreshes) passes through
 * and is recorded as it was on the wire — without the product knowing.
 */
export async function recordingProxy() {
  const exchanges: Exchange[] = [];
  let targetPort = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await collect(req);
      const upstream = request({
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      });
      upstream.on('response', async (up) => {
        const answer = await collect(up);
        exchanges.push({
          method: req.method ?? '',
          path: req.url ?? '',
          requestHeaders: req.headers,
          requestBody: body.toString('utf8'),
          status: up.statusCode ?? 0,
          responseBody: answer.toString('utf8'),
        });
        const { 'transfer-encoding': _te, 'content-length': _cl, ...headers } = up.headers;
        res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': answer.length }).end(answer);
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    /** `127.0.0.1:<port>`: the public host to start the node with. */
    host: `127.0.0.1:${port}`,
    port,
    exchanges,
    /** Where to forward: the node's own listening port. */
    forwardTo: (p: number) => {
      targetPort = p;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
