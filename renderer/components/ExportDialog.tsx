/**
 * 导出 and 打印. Export asks first when errors remain (saying how many), then goes the CLI's road:
 * shared/export/packet.ts writes the workbook, the 情况说明 .docx and the 公开包 PDF (two Chromium passes, so
 * the 目录 carries real page numbers) through the host's printer, each file handed to the host as it is
 * ready. 打印 opens the print dialog (PrintDialog.tsx).
 */
import { create } from 'zustand';
import { safeFileName, type ExportArtifact, type ExportProgress, type PdfPrinter, type PrintPassOptions } from '../../shared/export/index';
import type { CoreExportOut } from '../core/protocol';
import { exportGate } from '../../shared/report/index';
import { publishOf } from '../sets';
import { templateForPacket } from './NarrativeSlot';
import { controller } from '../state/controller';
import { say } from '../state/store';
import { canPrintPdf, type ExportKind, type Host } from '../host/host';
import { ProgressBar } from './ImportDialog';

interface ExportState {
  /** the errors gate: how many errors remain, waiting for 仍要导出 / 取消 */
  confirmErrors: number;
  /** 提示 without a current 出错说明 (an explained 提示 does not count; shared/report/explanations.ts) */
  confirmUnexplained: number;
  progress: { fraction: number; message: string } | null;
}

export const useExport = create<ExportState>(() => ({ confirmErrors: 0, confirmUnexplained: 0, progress: null }));

/** The host as shared/export's PdfPrinter: the same HTML, the same PRINT_OPTIONS the CLI's Chromium uses. */
export function hostPrinter(host: Host): PdfPrinter {
  return { print: (html, pass) => host.printPdf(html, pass) };
}

/** The 情况说明 template of this build when the packet is of its set (a set-less packet is taken as it, as the CLI does). */
export function narrativeTemplateFor(meta: Record<string, string>) {
  const t = templateForPacket(meta);
  return 'template' in t ? t.template : undefined;
}

export function exportBaseName(): string {
  return safeFileName(controller.fileName.replace(/\.xlsx$/i, '') || '决算公开');
}

export async function startExport(): Promise<void> {
  const s = controller.session;
  if (!s) return;
  const gate = exportGate(s);
  if (gate.errors.length || gate.unexplained.length) {
    useExport.setState({ confirmErrors: gate.errors.length, confirmUnexplained: gate.unexplained.length });
    return;
  }
  await runExport();
}

const KIND: Record<ExportArtifact['kind'], ExportKind> = { workbook: 'xlsx', table: 'xlsx', narrative: 'docx', pdf: 'pdf' };

async function runExport(): Promise<void> {
  const s = controller.session;
  const host = controller.host;
  useExport.setState({ confirmErrors: 0, confirmUnexplained: 0 });
  if (!s || !host) return;
  const base = exportBaseName();
  const names: Record<ExportArtifact['kind'], string> = { workbook: `${base}（导出）.xlsx`, table: '', narrative: `${base}情况说明.docx`, pdf: `${base}公开包.pdf` };
  const saved: string[] = [];
  const pdfPossible = canPrintPdf(host);
  try {
    useExport.setState({ progress: { fraction: 0, message: '正在整理公开包…' } });
    const template = narrativeTemplateFor(s.packet.meta);
    const fallback = publishOf(s.packet.meta['模板套'] ?? '');
    // the export runs in the core worker beside the session; it calls back for the host's printer and saving
    const result = await s.core.request<CoreExportOut>(
      {
        op: 'export',
        opts: {
          ...(template ? { narrativeTemplate: template } : {}),
          // 导出 gives the public packet (only the published sheets), as the CLI's export does; 保存 keeps everything
          public: fallback ? { fallback } : {},
          printer: pdfPossible,
          artifacts: true,
        },
      },
      (p) => useExport.setState({ progress: p as ExportProgress }),
      {
        print: (html, pass) => hostPrinter(host).print(html as string, pass as PrintPassOptions | undefined),
        artifact: async (raw) => {
          const a = raw as { kind: ExportArtifact['kind']; bytes: Uint8Array };
          const f = await host.exportFile(a.bytes, names[a.kind], KIND[a.kind]);
          if (f) saved.push(f.name);
        },
      },
    );
    const notes = [...result.notices];
    if (!pdfPossible) notes.push('浏览器版不能生成公开包 PDF：请在「打印」中用浏览器的打印对话框另存为 PDF，或使用桌面版。');
    if (result.pdf) notes.unshift(`公开包 PDF 共 ${result.pdf.pageCount} 页。`);
    if (saved.length) say(`已导出「${saved.join('」「')}」。${notes.join('')}`, result.notices.length ? 'warn' : 'info');
  } catch (e) {
    say(`导出失败：${(e as Error).message}${saved.length ? `（已导出「${saved.join('」「')}」）` : ''}`, 'error');
  } finally {
    useExport.setState({ progress: null });
  }
}

export function ExportDialogs() {
  const { confirmErrors, confirmUnexplained, progress } = useExport();
  return (
    <>
      {(confirmErrors > 0 || confirmUnexplained > 0) && (
        <div className="modal-backdrop">
          <div className="modal" role="dialog" aria-label="导出确认" data-testid="export-confirm">
            <h3>导出</h3>
            <p>
              公开包还有 <b data-testid="export-error-count">{confirmErrors}</b> 个错误
              {confirmUnexplained > 0 && <>、<b data-testid="export-unexplained-count">{confirmUnexplained}</b> 个没有出错说明的提示（在「审核结果」中写出错说明后不再计入）</>}
              ，导出的表格会带着这些问题。仍要导出吗？
            </p>
            <div className="modal-buttons">
              <button type="button" data-testid="export-anyway" onClick={() => void runExport()}>仍要导出</button>
              <button type="button" onClick={() => useExport.setState({ confirmErrors: 0, confirmUnexplained: 0 })}>取消</button>
            </div>
          </div>
        </div>
      )}
      {progress && (
        <div className="modal-backdrop">
          <div className="modal" role="dialog" aria-label="进度" data-testid="export-dialog">
            <ProgressBar testid="export-progress" fraction={progress.fraction} label={progress.message} />
          </div>
        </div>
      )}
    </>
  );
}
