/**
 * The 模板套 a packet declares in its 公开包信息 sheet is data from the file. A packet carries its own
 * sheets, formulas and checks, so a packet of another template set opens and checks like any other; the
 * declared id is only trusted where it names something, and then only in a shape that cannot climb out of
 * the templates folder (no "..", no slashes, no drive letters).
 */
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function templateSetId(meta: Record<string, string>): string | null {
  const id = (meta['模板套'] ?? '').trim();
  return ID.test(id) ? id : null;
}

export interface TemplateSetStatus {
  id: string | null;
  known: boolean;
  /** Chinese note for the accountant when the set is not one this build ships, else undefined */
  note?: string;
}

export function templateSetStatus(meta: Record<string, string>, shipped: readonly string[]): TemplateSetStatus {
  const raw = (meta['模板套'] ?? '').trim();
  const id = templateSetId(meta);
  if (id && shipped.includes(id)) return { id, known: true };
  const shown = raw.length > 40 ? raw.slice(0, 40) + '…' : raw;
  const note = raw
    ? `公开包的模板套「${shown}」不是本软件自带的模板套（自带：${shipped.join('、')}）。表格、公式和审核公式随公开包保存，可以照常填报和审核；情况说明等需要模板的功能将无法使用该模板套的模板。`
    : `公开包没有注明模板套（公开包信息表中缺少「模板套」）。表格、公式和审核公式随公开包保存，可以照常填报和审核。`;
  return { id, known: false, note };
}
