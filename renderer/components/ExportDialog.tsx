/**
 * 导出 and 打印预览. Export asks first when errors remain (saying how many), then writes the workbook with a
 * progress bar. The preview renders the whole printable packet (cover, 目录, every table) in an iframe; 打印
 * prints that iframe. The browser cannot make a PDF itself, so the PDF file is the Electron shell's job.
 */
import { create } from 'zustand';
import { buildPacketHtml, exportWorkbook, printNarrative, safeFileName } from '../../shared/export/index';
import { generateNarrative } from '../../shared/narrative/index';
import { templateForPacket } from './NarrativeSlot';
import { exportGate } from '../../shared/report/index';
import { controller } from '../state/controller';
import { say } from '../state/store';
import { ProgressBar } from './ImportDialog';

interface ExportState {
  /** the errors gate: how many errors remain, waiting for 仍要导出 / 取消 */
  confirmErrors: number;
  /** 提示 without a current 出错说明 (an explained 提示 does not count; shared/report/explanations.ts) */
  confirmUnexplained: number;
  progress: { fraction: number; message: string } | null;
  preview: string | null;
}

export const useExport = create<ExportState>(() => ({ confirmErrors: 0, confirmUnexplained: 0, progress: null, preview: null }));

/** Let React paint the progress bar between the steps. */
const paint = () => new Promise<void>((res) => setTimeout(res, 0));

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

async function runExport(): Promise<void> {
  const s = controller.session;
  const host = controller.host;
  useExport.setState({ confirmErrors: 0, confirmUnexplained: 0 });
  if (!s || !host) return;
  const step = async (fraction: number, message: string) => {
    useExport.setState({ progress: { fraction, message } });
    await paint();
  };
  try {
    await step(0.05, '正在整理公开包…');
    const packet = s.toPacket();
    await step(0.3, '正在写入工作簿…');
    const bytes = await exportWorkbook(packet);
    await step(0.9, '正在保存…');
    const base = safeFileName(controller.fileName.replace(/\.xlsx$/i, '') || '决算公开');
    const saved = await host.exportFile(bytes, `${base}（导出）.xlsx`, 'xlsx');
    await step(1, '完成');
    if (saved) say(`已导出「${saved.name}」。`);
  } catch (e) {
    say(`导出失败：${(e as Error).message}`, 'error');
  } finally {
    useExport.setState({ progress: null });
  }
}

export async function openPrintPreview(): Promise<void> {
  const s = controller.session;
  if (!s) return;
  useExport.setState({ progress: { fraction: 0.1, message: '正在生成打印版…' } });
  await paint();
  try {
    // the narrative parts print from the same generator as the 情况说明 view, so preview and view agree
    const t = templateForPacket(s.packet.meta);
    const narrative = 'template' in t ? printNarrative(generateNarrative(s, t.template)) : undefined;
    const doc = buildPacketHtml({ packet: s.toPacket(), narrative });
    useExport.setState({ preview: doc.html });
  } catch (e) {
    say(`无法生成打印版：${(e as Error).message}`, 'error');
  } finally {
    useExport.setState({ progress: null });
  }
}

/** Electron: the main process prints the same HTML to a PDF file (the browser host has no PDF printer). */
async function savePdf(html: string): Promise<void> {
  const host = controller.host;
  if (!host) return;
  useExport.setState({ progress: { fraction: 0.2, message: '正在生成 PDF…' } });
  try {
    const bytes = await host.printPdf(html);
    useExport.setState({ progress: { fraction: 0.9, message: '正在保存…' } });
    const base = safeFileName(controller.fileName.replace(/\.xlsx$/i, '') || '决算公开');
    const saved = await host.exportFile(bytes, `${base}.pdf`, 'pdf');
    if (saved) say(`已导出「${saved.name}」。`);
  } catch (e) {
    say(`无法生成 PDF：${(e as Error).message}`, 'error');
  } finally {
    useExport.setState({ progress: null });
  }
}

function printFrame(): void {
  const frame = document.querySelector<HTMLIFrameElement>('iframe[data-testid="print-frame"]');
  frame?.contentWindow?.print();
}

export function ExportDialogs() {
  const { confirmErrors, confirmUnexplained, progress, preview } = useExport();
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
      {preview !== null && (
        <div className="preview-pane" role="dialog" aria-label="打印预览" data-testid="print-preview">
          <div className="preview-bar">
            <b>打印预览</b>
            {controller.host?.kind === 'electron' && (
              <button type="button" data-testid="pdf-button" onClick={() => void savePdf(preview)}>导出 PDF</button>
            )}
            <button type="button" data-testid="print-button" onClick={printFrame}>打印</button>
            <button type="button" data-testid="preview-close" onClick={() => useExport.setState({ preview: null })}>关闭</button>
          </div>
          <iframe title="打印预览" data-testid="print-frame" srcDoc={preview} sandbox="allow-same-origin allow-modals" />
        </div>
      )}
    </>
  );
}
