/**
 * node/print-server.ts, the print endpoint of `npm start`'s browser mode, on a real http server with the real
 * Chromium: it prints what it is given (page ranges honoured), and refuses what it must (another Host, another
 * Origin, no marker, too large, bad options) with a Chinese message. The whole road through scripts/start.mjs
 * and the print dialog is tests/e2e/print-layout.test.ts.
 */
import { request, createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printMiddleware, PRINT_PATH, type PrintMiddleware } from '../../node/print-server.js';
import { readPdfOutline } from '../../shared/export/pdf-dests.js';

let server: Server;
let mw: PrintMiddleware;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => mw(req, res, () => {
    res.statusCode = 404;
    res.end('next');
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  mw = printMiddleware({ port, maxBytes: 200_000 });
});

afterAll(async () => {
  await mw?.close();
  await new Promise((r) => server?.close(r));
});

function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: PRINT_PATH, method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Juesuan-Print': '1', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const threePages = '<!DOCTYPE html><html><head><style>@page { size: A4 portrait; margin: 20mm } p { break-after: page }</style></head><body><p>一</p><p>二</p><p>三</p></body></html>';

describe('the print endpoint', () => {
  it('prints the document, and only the asked pages', async () => {
    const all = await post(JSON.stringify({ html: threePages }));
    expect(all.status).toBe(200);
    expect(all.type).toBe('application/pdf');
    expect(readPdfOutline(new Uint8Array(all.body)).pageCount).toBe(3);
    const some = await post(JSON.stringify({ html: threePages, pageRanges: '2-3' }));
    expect(readPdfOutline(new Uint8Array(some.body)).pageCount).toBe(2);
  }, 120_000);

  it('answers the probe, and leaves other paths to the server', async () => {
    const probe = await fetch(`http://127.0.0.1:${port}${PRINT_PATH}`);
    expect(await probe.json()).toEqual({ ok: true, maxBytes: 200_000 });
    expect((await fetch(`http://127.0.0.1:${port}/index.html`)).status).toBe(404);
  });

  it('refuses another Host, another Origin, a request without its marker, a body too large, bad options', async () => {
    const ok = JSON.stringify({ html: threePages });
    const host = await post(ok, { Host: `attacker.example:${port}` });
    expect(host.status).toBe(403);
    expect(host.body.toString()).toContain('本机');
    expect((await post(ok, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(ok, { Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await post(ok, { 'X-Juesuan-Print': '0' })).status).toBe(403);
    expect((await post(ok, { 'Content-Type': 'text/plain' })).status).toBe(415);
    const big = await post(JSON.stringify({ html: 'x'.repeat(300_000) }));
    expect(big.status).toBe(413);
    expect(big.body.toString()).toContain('过大');
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ html: '' }))).status).toBe(400);
    expect((await post(JSON.stringify({ html: threePages, pageRanges: '1; rm -rf' }))).status).toBe(400);
    const scale = await post(JSON.stringify({ html: threePages, scale: 5 }));
    expect(scale.status).toBe(400);
    expect(scale.body.toString()).toContain('缩放');
  }, 120_000);
});
