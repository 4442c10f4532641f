/** The renderer's read-only test handles (renderer/main.tsx), as the e2e tests see them inside the page. */
import type { HotInstance } from 'handsontable';

interface PageFinding {
  rule: string;
  severity: 'error' | 'warning';
  rounding: boolean;
  sheet: string;
  cells: string[];
  message: string;
}

interface PageUiState {
  activeSheet: string;
  findings: PageFinding[];
  dirty: boolean;
  zoom: number;
  sheets: { name: string; kind: string; title: string }[];
  selection: { sheet: string; row: number; col: number; row2: number; col2: number } | null;
  message: string;
  messageKind: string;
  status: string;
  fileName: string;
  zoomFit: boolean;
  treeOpen: boolean;
  checksOpen: boolean;
  checksWidth: number;
}

declare global {
  interface Window {
    __juesuan?: {
      controller: {
        value(sheet: string, row: number, col: number): unknown;
        gridPort(): { sheet: string } | null;
        locate(f: PageFinding): { sheet: string; cells: string[] } | null;
        /** completed recovery writes of the open document */
        readonly autosaveWrites: number;
        readonly packetWriter: string;
        flushAutosave(): Promise<void>;
        /** every change asked of the core worker so far answered and shown */
        settled(): Promise<void>;
        session: { packet: { sheets: { name: string; cells: unknown[][] }[] } } | null;
      };
      hot(): HotInstance | null;
      ui: { getState(): PageUiState; subscribe(listener: (s: PageUiState) => void): () => void };
    };
    __juesuanPerf?: {
      loadedAt: number;
      phases: Record<string, number>;
      samples: { applied: number; panel: number; frame: number }[];
    };
    __bench?: {
      ready: boolean;
      samples: { dom: number; frame: number }[];
      rows: number;
      cols: number;
      hot: HotInstance;
    };
  }
}

export {};
