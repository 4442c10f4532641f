/**
 * The core worker: owns one packet's PacketSession (HyperFormula and its ~3,600 checks), so that building it
 * (about 1.3 s for the reference packet) and every edit, recheck and save serialisation compute here, never
 * on the page's main thread. The page keeps a mirror of the packet (renderer/core/mirror.ts) fed by these
 * messages. One worker per open packet: a packet that computes for minutes is stopped by terminating its
 * worker while the packet already open keeps its own (renderer/core/client.ts).
 */
import { PacketError, PacketSession, readPacket, writePacket, type EditResult, type Packet, type SheetModel } from '../../shared/index';
import { engineCost } from '../../shared/safety/engine-cost';
import { LIMITS } from '../../shared/safety/limits';
import { generateNarrative, narrativeDocx, narrativeView } from '../../shared/narrative/index';
import { auditReportSection, auditReportXlsx, buildAuditReport, reportSummary } from '../../shared/report/index';
import { buildPacketHtml, exportPacket, printNarrative, type ExportArtifact } from '../../shared/export/index';
import { applyImport, planImport, type ImportPlan } from '../../shared/import/index';
import type { AppliedImport, AuditOut, CallReply, CoreExportOut, CoreMessage, CoreRequest, DerivedOut, MirrorUpdate, OpenDone, OpenProgress, PlannedImport, ValuePatch } from './protocol';

const post = (m: CoreMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

let session: PacketSession | null = null;
/** the page's answers to this worker's call backs (the host's printer, saving an exported file) */
const calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let callSeq = 0;

function ask<T>(id: number, name: 'print' | 'artifact', args: unknown[], transfer: Transferable[] = []): Promise<T> {
  const call = ++callSeq;
  return new Promise<T>((resolve, reject) => {
    calls.set(call, { resolve: resolve as (v: unknown) => void, reject });
    post({ kind: 'call', id, call, name, args }, transfer);
  });
}

/** import plans waiting for 确认导入, by the id of the request that made them */
const plans = new Map<number, ImportPlan>();

function need(): PacketSession {
  if (!session) throw new PacketError('没有打开的公开包。');
  return session;
}

/** The cells of `s` whose engine value differs from the value stored in the model. */
function sheetValues(s: PacketSession, sheet: SheetModel, out: ValuePatch[]): void {
  sheet.cells.forEach((row, r) =>
    row.forEach((c, col) => {
      if (!c) return;
      const v = s.getValue(sheet.name, r, col);
      if (v !== (c.v ?? null)) out.push([sheet.name, r, col, v]);
    }),
  );
}

function derivedOf(s: PacketSession, sheet: string): DerivedOut[] {
  try {
    return s.derivedCells(sheet).map((d) => ({ row: d.row, col: d.col, formula: d.formula, computed: d.computed, agree: d.agree }));
  } catch {
    // a sheet the session no longer has: none
    return [];
  }
}

/** Formula text of every formula cell whose references a row operation moved (the model keeps the old text). */
function movedFormulas(s: PacketSession): MirrorUpdate['formulas'] {
  const out: MirrorUpdate['formulas'] = [];
  for (const sh of s.packet.sheets) {
    sh.cells.forEach((row, r) =>
      row.forEach((c, col) => {
        if (!c?.f) return;
        const f = s.getFormula(sh.name, r, col)?.slice(1);
        if (f && f !== c.f) {
          c.f = f;
          out.push([sh.name, r, col, f]);
        }
      }),
    );
  }
  return out;
}

function update(s: PacketSession, result: EditResult, derivedSheet?: string): MirrorUpdate {
  const values: ValuePatch[] = [];
  const sheets: SheetModel[] = [];
  const structural = new Set(result.structural);
  for (const c of result.changed) if (!structural.has(c.sheet)) {
    try {
      values.push([c.sheet, c.row, c.col, s.getValue(c.sheet, c.row, c.col)]);
    } catch {
      // a cell of a sheet removed by the same step
    }
  }
  let formulas: MirrorUpdate['formulas'] = [];
  if (structural.size) {
    for (const sh of s.packet.sheets) if (structural.has(sh.name)) sheets.push(sh);
    formulas = movedFormulas(s);
    for (const sh of sheets) sheetValues(s, sh, values);
  }
  return {
    result, values, sheets, formulas,
    ...(structural.size ? { order: s.packet.sheets.map((x) => x.name) } : {}),
    dirty: s.dirty, canUndo: s.canUndo(), canRedo: s.canRedo(),
    ...(derivedSheet ? { derived: { sheet: derivedSheet, cells: derivedOf(s, derivedSheet) } } : {}),
  };
}

/** Sends the packet to the page sheet by sheet (one large message costs the page ~60 ms to deserialize). */
function publish(id: number, s: PacketSession): OpenDone & { t0?: number } {
  const { sheets, ...rest } = s.packet;
  post({ kind: 'progress', id, progress: { step: 'packet', packet: rest, count: sheets.length } satisfies OpenProgress });
  let values: ValuePatch[] = [];
  for (const sheet of sheets) {
    post({ kind: 'progress', id, progress: { step: 'sheet', sheet } satisfies OpenProgress });
    sheetValues(s, sheet, values);
    if (values.length > 5000) {
      post({ kind: 'progress', id, progress: { step: 'values', values } satisfies OpenProgress });
      values = [];
    }
  }
  if (values.length) post({ kind: 'progress', id, progress: { step: 'values', values } satisfies OpenProgress });
  const visible = sheets.filter((x) => !x.hidden);
  const first = (visible.find((x) => x.kind === 'table') ?? visible[0])?.name;
  return {
    findings: s.findings(), dirty: s.dirty, canUndo: s.canUndo(), canRedo: s.canRedo(), ms: 0,
    ...(first ? { derived: { sheet: first, cells: derivedOf(s, first) } } : {}),
  };
}

function build(id: number, packet: Packet): OpenDone {
  const t0 = performance.now();
  const cost = engineCost(packet);
  post({ kind: 'progress', id, progress: { step: 'cost', cellReads: cost.cellReads, heaviest: cost.heaviest, probe: cost.cellReads > LIMITS.engineProbeFromReads } satisfies OpenProgress });
  const s = new PacketSession(packet);
  s.findings();
  session?.destroy();
  session = s;
  return { ...publish(id, s), ms: performance.now() - t0 };
}

async function handle(id: number, r: CoreRequest): Promise<{ value: unknown; transfer?: Transferable[] }> {
  switch (r.op) {
    case 'open':
      return { value: build(id, await readPacket(r.bytes, r.what)) };
    case 'install':
      return { value: build(id, r.packet) };
    case 'apply': {
      const s = need();
      return { value: update(s, s.apply(r.edits), r.derivedSheet) };
    }
    case 'undo':
    case 'redo': {
      const s = need();
      const res = r.op === 'undo' ? s.undo() : s.redo();
      if (!res) throw new PacketError(r.op === 'undo' ? '没有可以撤销的操作。' : '没有可以重做的操作。');
      return { value: update(s, res, r.derivedSheet) };
    }
    case 'insertRows': {
      const s = need();
      return { value: update(s, s.insertRows(r.sheet, r.row, r.count, r.likeRow), r.derivedSheet) };
    }
    case 'removeRows': {
      const s = need();
      return { value: update(s, s.removeRows(r.sheet, r.row, r.count), r.derivedSheet) };
    }
    case 'recalculateAll': {
      const s = need();
      const out = s.recalculateAll({ includeRounding: r.includeRounding });
      return { value: { changed: out.changed, kept: out.kept, update: update(s, out.result, r.derivedSheet) } };
    }
    case 'recheckAll':
      return { value: need().recheckAll() };
    case 'derived':
      return { value: derivedOf(need(), r.sheet) };
    case 'ping':
      return { value: null };
    case 'setDirty':
      need().dirty = r.dirty;
      return { value: null };
    case 'setMeta': {
      const s = need();
      s.packet.meta[r.key] = r.value;
      s.dirty = true;
      return { value: null };
    }
    case 'setExplanations': {
      const s = need();
      s.packet.explanations = r.explanations;
      s.dirty = true;
      return { value: null };
    }
    case 'importPlan': {
      const s = need();
      const template = r.templateBytes ? await readPacket(r.templateBytes) : undefined;
      const plan = await planImport(r.bytes, s, {
        file: r.file, mode: r.mode, vocabulary: r.vocabulary, ...(template ? { template } : {}),
        onProgress: (p) => post({ kind: 'progress', id, progress: p }),
      });
      // one plan waits at a time: a new one (the mode changed) drops the one before
      plans.clear();
      plans.set(id, plan);
      return { value: { plan: id, report: plan.report } satisfies PlannedImport };
    }
    case 'importDrop':
      plans.delete(r.plan);
      return { value: null };
    case 'importApply': {
      const s = need();
      const plan = plans.get(r.plan);
      if (!plan) throw new PacketError('导入计划已失效，请重新选择文件导入。');
      plans.delete(r.plan);
      const result = await applyImport(s, plan, { overwrite: r.overwrite, onProgress: (p) => post({ kind: 'progress', id, progress: p }) });
      return { value: { report: result.report, update: result.edit ? update(s, result.edit, r.derivedSheet) : null } satisfies AppliedImport };
    }
    case 'auditReport': {
      const s = need();
      const findings = s.recheckAll();
      const report = buildAuditReport(s);
      const bytes = await auditReportXlsx(report);
      return { value: { bytes, summary: reportSummary(report), findings } satisfies AuditOut, transfer: [bytes.buffer] };
    }
    case 'bytes': {
      const bytes = await writePacket(need().toPacket());
      return { value: bytes, transfer: [bytes.buffer] };
    }
    case 'snapshot':
      return { value: need().toPacket() };
    case 'export': {
      const s = need();
      const o = r.opts;
      const report = o.withReport ? auditReportSection(buildAuditReport(s)) : undefined;
      const out = await exportPacket(s, {
        ...(o.narrativeTemplate ? { narrativeTemplate: o.narrativeTemplate } : {}),
        ...(o.public ? { public: o.public } : {}),
        ...(o.date ? { date: o.date } : {}),
        ...(o.pdfOnly ? { pdfOnly: true } : {}),
        ...(o.print || report ? { print: { ...o.print, ...(report ? { appendix: report } : {}) } } : {}),
        printer: o.printer ? { print: (html, pass) => ask<Uint8Array>(id, 'print', [html, pass]) } : undefined,
        onProgress: (p) => post({ kind: 'progress', id, progress: p }),
        ...(o.artifacts ? { onArtifact: (a: ExportArtifact) => (a.kind === 'table' ? undefined : ask<void>(id, 'artifact', [{ kind: a.kind, name: a.name, bytes: a.bytes }])) } : {}),
      });
      return { value: { ...(out.pdf ? { pdf: out.pdf } : {}), notices: out.notices } satisfies CoreExportOut };
    }
    case 'printHtml': {
      const s = need();
      const narrative = r.template ? printNarrative(generateNarrative(s, r.template)) : undefined;
      return { value: buildPacketHtml({ packet: s.toPacket(), narrative, date: r.date }).html };
    }
    case 'narrativeDocx': {
      const bytes = await narrativeDocx(generateNarrative(need(), r.template), r.template);
      return { value: bytes, transfer: [bytes.buffer] };
    }
    case 'narrative':
      return { value: narrativeView(need(), r.template) };
  }
}

/** Requests are handled strictly in order: an edit never overtakes the one typed before it. */
let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<{ id: number; request: CoreRequest } | CallReply>) => {
  if ('callReply' in e.data) {
    // answered at once, outside the queue: the request waiting on it holds the queue
    const c = calls.get(e.data.callReply);
    calls.delete(e.data.callReply);
    if (e.data.error !== undefined) c?.reject(new Error(e.data.error));
    else c?.resolve(e.data.value);
    return;
  }
  const { id, request } = e.data;
  queue = queue.then(async () => {
    try {
      const { value, transfer } = await handle(id, request);
      post({ kind: 'reply', id, value }, transfer);
    } catch (err) {
      post({ kind: 'fail', id, message: (err as Error)?.message || String(err), packetError: err instanceof PacketError });
    }
  });
};
