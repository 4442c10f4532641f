/**
 * Argument checks for every IPC call, as plain functions: the main process runs them on whatever the
 * renderer sends, and Node tests run them without Electron. A renderer is untrusted input.
 */
import { MENU_COMMANDS, type DocumentState, type ExportKind, type MenuCommand, type PrintRequest } from '../renderer/host/bridge';

/** The same ceiling the packet reader applies before unzipping. */
export const MAX_IPC_BYTES = 64 * 1024 * 1024;
const MAX_NAME = 200;

export class IpcArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcArgumentError';
  }
}

function fail(message: string): never {
  throw new IpcArgumentError(message);
}

export function expectArgCount(args: readonly unknown[], n: number): void {
  if (args.length !== n) fail(`expected ${n} argument(s), got ${args.length}`);
}

export function expectBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) fail('bytes: expected a Uint8Array');
  if (v.byteLength === 0) fail('bytes: empty');
  if (v.byteLength > MAX_IPC_BYTES) fail(`bytes: ${v.byteLength} bytes is over the ${MAX_IPC_BYTES} byte limit`);
  return v;
}

/** The printable packet as shared/export builds it: a whole HTML document of bounded size, nothing else. */
export function expectPrintHtml(v: unknown): string {
  if (typeof v !== 'string') fail('html: expected a string');
  if (v.length > MAX_IPC_BYTES / 2) fail(`html: ${v.length} characters is over the limit`);
  if (!/^\s*<!doctype html>/i.test(v)) fail('html: not an HTML document');
  return v;
}

/** What a print may change (renderer/host/bridge.ts PrintRequest): each field checked, nothing else accepted. */
export function expectPrintRequest(v: unknown): PrintRequest {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('print options: expected an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['pageRanges', 'scale', 'copies'].includes(k)) fail(`print options: unknown field ${k}`);
  const out: PrintRequest = {};
  if (o.pageRanges !== undefined) {
    if (typeof o.pageRanges !== 'string' || o.pageRanges.length > 4000 || !/^\d{1,5}(-\d{1,5})?(, ?\d{1,5}(-\d{1,5})?)*$/.test(o.pageRanges)) fail('print options: pageRanges must look like "1-3, 8"');
    out.pageRanges = o.pageRanges;
  }
  if (o.scale !== undefined) {
    if (typeof o.scale !== 'number' || !(o.scale >= 0.1 && o.scale <= 2)) fail('print options: scale must be 0.1…2');
    out.scale = o.scale;
  }
  if (o.copies !== undefined) {
    if (typeof o.copies !== 'number' || !Number.isInteger(o.copies) || o.copies < 1 || o.copies > 99) fail('print options: copies must be 1…99');
    out.copies = o.copies;
  }
  return out;
}

/** Starts like a zip (xlsx, docx) or a PDF: the main process writes nothing else. */
export function expectDocumentBytes(v: unknown, kind: ExportKind = 'xlsx'): Uint8Array {
  const b = expectBytes(v);
  const zip = b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
  const pdf = b.length > 5 && String.fromCharCode(...b.subarray(0, 5)) === '%PDF-';
  if (kind === 'pdf' ? !pdf : !zip) fail(`bytes: not a ${kind} file`);
  return b;
}

const RESERVED = /[\\/:*?"<>|]/;

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function stripControl(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0x20 && c !== 0x7f) out += ch;
  }
  return out;
}

/** A bare file name (never a path) for a save dialog's default, with the extension the kind needs. */
export function expectFileName(v: unknown, ext: string): string {
  if (typeof v !== 'string') fail('name: expected a string');
  const name = v.trim();
  if (!name || name.length > MAX_NAME) fail('name: empty or too long');
  if (RESERVED.test(name) || hasControl(name) || name === '.' || name === '..') fail('name: not a plain file name');
  return name.toLowerCase().endsWith(`.${ext}`) ? name : `${name}.${ext}`;
}

export function expectIndex(v: unknown, length: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= length) fail('index: out of range');
  return v;
}

/** A template set's id (its folder name under templates/): letters, digits, '-', '_', so never a path. */
export function expectSetId(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v)) fail('set: expected a template set id');
  return v;
}

/** A recovery file's id as node/recovery.ts makes them (newRecoveryId): 32 hex digits, so never a path. */
export function expectRecoveryId(v: unknown): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{32}$/.test(v)) fail('id: expected a recovery id');
  return v;
}

export function expectExportKind(v: unknown): ExportKind {
  if (v !== 'xlsx' && v !== 'pdf' && v !== 'docx') fail('kind: expected xlsx, pdf or docx');
  return v;
}

export function expectDocumentState(v: unknown): DocumentState {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('state: expected an object');
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'dirty,name') fail('state: expected exactly { name, dirty }');
  if (typeof o.dirty !== 'boolean') fail('state.dirty: expected a boolean');
  if (typeof o.name !== 'string' || o.name.length > MAX_NAME * 2) fail('state.name: expected a short string');
  // the title bar shows it: no control characters
  return { name: stripControl(o.name), dirty: o.dirty };
}

export function isMenuCommand(v: unknown): v is MenuCommand {
  return typeof v === 'string' && (MENU_COMMANDS as readonly string[]).includes(v);
}

const EXT: Record<ExportKind, string> = { xlsx: 'xlsx', pdf: 'pdf', docx: 'docx' };

export function extensionOf(kind: ExportKind): string {
  return EXT[kind];
}
