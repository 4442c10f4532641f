/**
 * The browser host's PDF printer under `npm start` (scripts/start.mjs, when Electron is not there): a
 * middleware on the 127.0.0.1 server that serves the renderer. POST PRINT_PATH with JSON
 * { html, pageRanges?, scale? } → the PDF bytes, printed by node/pdf.ts (playwright-core + the local Chromium,
 * PRINT_OPTIONS), i.e. exactly as the CLI prints. GET PRINT_PATH answers { ok: true }, so the page knows it
 * may offer 下载 PDF.
 *
 * The HTML is the app's own packet document, but anything that can reach the port can post: requests must
 * name this server in Host (no DNS rebinding), come from its own origin when they say one, carry the
 * X-Juesuan-Print header (a cross-site page cannot send it without a CORS preflight, which is never granted),
 * stay under PRINT_MAX_BYTES, and print one at a time within node/pdf.ts's time limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PacketError } from '../shared/errors.js';
import { openPdfPrinter, type NodePdfPrinter } from './pdf.js';

export const PRINT_PATH = '/__juesuan/pdf';
export const PRINT_HEADER = 'x-juesuan-print';
/** The reference packet's document is about 3 MB; a packet ten times its size still fits. */
export const PRINT_MAX_BYTES = 64 * 1024 * 1024;
/** Reading the request body must not take longer than this. */
const READ_LIMIT_MS = 30_000;

export interface PrintServerOptions {
  /** the port the server listens on (Host must be 127.0.0.1:port or localhost:port) */
  port: number;
  maxBytes?: number;
  /** a Chromium other than node/pdf.ts's findChromium() */
  executablePath?: string;
}

export interface PrintMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: () => void): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new HttpError(413, `打印内容过大（${Math.round(declared / 1048576)} MB，上限 ${Math.round(maxBytes / 1048576)} MB）。`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      reject(new HttpError(408, '接收打印内容超时。'));
      req.destroy();
    }, READ_LIMIT_MS);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        clearTimeout(timer);
        reject(new HttpError(413, `打印内容过大（超过 ${Math.round(maxBytes / 1048576)} MB）。`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

interface PrintRequestBody {
  html: string;
  pageRanges?: string;
  scale?: number;
}

function parseRequest(body: Buffer): PrintRequestBody {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, '打印请求不是有效的 JSON。');
  }
  const o = v as Record<string, unknown>;
  if (!o || typeof o !== 'object' || typeof o.html !== 'string' || !o.html) throw new HttpError(400, '打印请求缺少要打印的文档（html）。');
  const out: PrintRequestBody = { html: o.html };
  if (o.pageRanges !== undefined) {
    if (typeof o.pageRanges !== 'string' || !/^[\d\s,-]{1,4000}$/.test(o.pageRanges)) throw new HttpError(400, '打印请求的页码范围不正确。');
    out.pageRanges = o.pageRanges;
  }
  if (o.scale !== undefined) {
    if (typeof o.scale !== 'number' || !(o.scale >= 0.1 && o.scale <= 2)) throw new HttpError(400, '打印请求的缩放比例应在 10%～200% 之间。');
    out.scale = o.scale;
  }
  return out;
}

export function printMiddleware(opts: PrintServerOptions): PrintMiddleware {
  const maxBytes = opts.maxBytes ?? PRINT_MAX_BYTES;
  const hosts = new Set([`127.0.0.1:${opts.port}`, `localhost:${opts.port}`]);
  let printer: Promise<NodePdfPrinter> | undefined;
  // one Chromium page prints one document at a time: requests wait their turn
  let queue: Promise<unknown> = Promise.resolve();

  const print = (r: PrintRequestBody): Promise<Uint8Array> => {
    const run = async () => {
      printer ??= openPdfPrinter(opts.executablePath ? { executablePath: opts.executablePath } : {});
      const p = await printer.catch((e) => {
        printer = undefined;
        throw e;
      });
      try {
        return await p.print(r.html, { ...(r.pageRanges ? { pageRanges: r.pageRanges } : {}), ...(r.scale ? { scale: r.scale } : {}) });
      } catch (e) {
        // a print over its time limit closed the browser: the next request starts a fresh one
        printer = undefined;
        await p.close().catch(() => undefined);
        throw e;
      }
    };
    const job = queue.then(run, run);
    queue = job.catch(() => undefined);
    return job;
  };

  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  };

  const handler = ((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== PRINT_PATH) return next();
    void (async () => {
      try {
        if (!hosts.has(String(req.headers.host ?? ''))) throw new HttpError(403, '拒绝：打印服务只接受本机地址的请求。');
        const origin = req.headers.origin;
        if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) throw new HttpError(403, '拒绝：打印服务只接受本程序页面的请求。');
        if (req.method === 'GET') return send(res, 200, 'application/json', JSON.stringify({ ok: true, maxBytes }));
        if (req.method !== 'POST') throw new HttpError(405, '打印服务只接受 POST 请求。');
        if (req.headers[PRINT_HEADER] !== '1') throw new HttpError(403, '拒绝：缺少打印请求标记。');
        if (!/^application\/json\b/.test(String(req.headers['content-type'] ?? ''))) throw new HttpError(415, '打印请求应为 JSON。');
        const body = parseRequest(await readBody(req, maxBytes));
        const pdf = await print(body);
        send(res, 200, 'application/pdf', pdf);
      } catch (e) {
        const status = e instanceof HttpError ? e.status : 500;
        const msg = e instanceof HttpError || e instanceof PacketError ? e.message : `生成 PDF 失败：${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200)}`;
        if (!res.headersSent) send(res, status, 'text/plain; charset=utf-8', msg);
        else res.end();
      }
    })();
  }) as PrintMiddleware;
  handler.close = async () => {
    const p = printer;
    printer = undefined;
    if (p) await (await p.catch(() => undefined))?.close().catch(() => undefined);
  };
  return handler;
}
