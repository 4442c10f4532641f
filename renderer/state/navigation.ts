/**
 * Navigation: show a sheet, go to a cell or to a finding's cells. The grid of another sheet mounts on the next
 * render, so a selection waits as `pendingSelect` until that grid picks it up.
 */
import { parseSheetRange, type Finding } from '../../shared/index';
import type { GridPort } from './controller';
import { say, useUi } from './store';

export interface PendingSelect {
  sheet: string;
  row: number;
  col: number;
  row2: number;
  col2: number;
  focus: boolean;
}

export class Navigator {
  pendingSelect: PendingSelect | null = null;

  constructor(
    private readonly gridPort: () => GridPort | null,
    private readonly locate: (f: Finding) => { sheet: string; cells: string[] } | null,
  ) {}

  showSheet(name: string): void {
    if (useUi.getState().activeSheet !== name) useUi.setState({ activeSheet: name, selection: null });
  }

  /** Open the finding's sheet and select its cell(s), scrolled into view. */
  goToFinding(f: Finding): void {
    const loc = this.locate(f);
    if (!loc) {
      say('该审核结果没有对应的单元格。', 'warn');
      return;
    }
    const r = loc.cells.length ? parseSheetRange(loc.cells[0], loc.sheet) : null;
    this.goTo(loc.sheet, r ? r.top : 0, r ? r.left : 0, r ? r.bottom : 0, r ? r.right : 0);
  }

  goTo(sheet: string, row: number, col: number, row2 = row, col2 = col, focus = true): void {
    this.showSheet(sheet);
    this.pendingSelect = { sheet, row, col, row2, col2, focus };
    // the grid of another sheet mounts on the next render and picks the pending selection up
    const g = this.gridPort();
    if (g && g.sheet === sheet) this.flushPendingSelect();
  }

  flushPendingSelect(): void {
    const p = this.pendingSelect;
    const g = this.gridPort();
    if (!p || !g || g.sheet !== p.sheet) return;
    this.pendingSelect = null;
    g.select(p.row, p.col, p.row2, p.col2, p.focus);
  }
}
