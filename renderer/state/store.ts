/**
 * UI state (zustand). The packet itself lives in the PacketSession held by the controller; the store keeps
 * what React draws: the sheet list, the findings, the selection, the file name and flags.
 */
import { create } from 'zustand';
import type { Finding, SheetKind } from '../../shared/index';

export interface SheetEntry {
  name: string;
  kind: SheetKind;
  /** the sheet's title line (A1), e.g. 收入支出决算总表 */
  title: string;
}

export interface Selection {
  sheet: string;
  row: number;
  col: number;
  row2: number;
  col2: number;
}

export const NARRATIVE_VIEW = '__情况说明';

export interface UiState {
  status: 'loading' | 'ready' | 'error' | 'empty';
  loadError: string;
  fileName: string;
  dirty: boolean;
  sheets: SheetEntry[];
  activeSheet: string;
  /** bumped when the active sheet's rows or layout change (row insert/delete, undo of one) */
  layoutVersion: number;
  findings: Finding[];
  selection: Selection | null;
  message: string;
  messageKind: 'info' | 'warn' | 'error';
  zoom: number;
  findOpen: boolean;
  roundingOpen: boolean;
  checksOpen: boolean;
  /** the packet tree shown (else collapsed to a strip) */
  treeOpen: boolean;
  /** side panel widths in CSS px (layout-prefs.ts keeps them across restarts) */
  treeWidth: number;
  checksWidth: number;
  /** zoom follows the centre's width so the sheet's whole width shows (a manual zoom turns it off) */
  zoomFit: boolean;
  formQuery: string;
  canUndo: boolean;
  canRedo: boolean;
  /** bumped on every applied result, so the formula bar and the status bar re-read their cells */
  editVersion: number;
  /** when the unsaved work was last written to the recovery file ('' when there is none: saved, or unchanged) */
  autosavedAt: string;
  /** 新建 asks which template set */
  chooseSet: boolean;
}

export const useUi = create<UiState>(() => ({
  status: 'loading',
  loadError: '',
  fileName: '',
  dirty: false,
  sheets: [],
  activeSheet: '',
  layoutVersion: 0,
  findings: [],
  selection: null,
  message: '',
  messageKind: 'info',
  zoom: 1,
  findOpen: false,
  roundingOpen: false,
  checksOpen: true,
  treeOpen: true,
  treeWidth: 210,
  checksWidth: 300,
  zoomFit: true,
  formQuery: '',
  canUndo: false,
  canRedo: false,
  editVersion: 0,
  autosavedAt: '',
  chooseSet: false,
}));

export function say(message: string, messageKind: UiState['messageKind'] = 'info'): void {
  useUi.setState({ message, messageKind });
}
