/** The HTTP transport: node:http on the loopback interface only, full request bodies in, responses out. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimResponse } from './responses';
import type { SimRequest } from './simulator';

const LOOPBACK = '127.0.0.1';

export interface HttpServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  close(): Promise<void>;
}

export type RequestHandler = (request: SimRequest) => Promise<SimResponse>;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function serve(handler: RequestHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  const result = await handler({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body });
  response.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  response.end(result.body);
}

export function listen(handler: RequestHandler, port: number): Promise<HttpServer> {
  const server = createServer((request, response) => {
    serve(handler, request, response).catch((error: Error) => {
      process.stderr.write(`simulator: request failed: ${error.stack ?? error}\n`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve({
        endpoint: `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
