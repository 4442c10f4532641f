/**
 * The window's layout as the accountant left it: side panels open or collapsed, their widths, fit-width zoom
 * on or off. Kept in localStorage (Electron keeps it in the profile across restarts). First run: what fits
 * the screen — on a 1024-px laptop the checks panel starts collapsed to its strip, so a table is readable.
 */
import { useUi, type UiState } from './store';

export type LayoutPrefs = Pick<UiState, 'treeOpen' | 'checksOpen' | 'treeWidth' | 'checksWidth' | 'zoomFit'>;

const KEY = 'juesuan.layout.v1';
export const TREE_WIDTH = { min: 160, max: 420, step: 16 } as const;
export const CHECKS_WIDTH = { min: 240, max: 560, step: 16 } as const;

const clamp = (v: unknown, lim: { min: number; max: number }, dflt: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(lim.max, Math.max(lim.min, Math.round(v))) : dflt;

export function defaultPrefs(viewportWidth: number): LayoutPrefs {
  const narrow = viewportWidth < 1200;
  return { treeOpen: true, checksOpen: !narrow, treeWidth: narrow ? 180 : 210, checksWidth: 300, zoomFit: true };
}

export function loadPrefs(viewportWidth: number): LayoutPrefs {
  const d = defaultPrefs(viewportWidth);
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<LayoutPrefs> | null;
    if (!raw || typeof raw !== 'object') return d;
    return {
      treeOpen: typeof raw.treeOpen === 'boolean' ? raw.treeOpen : d.treeOpen,
      checksOpen: typeof raw.checksOpen === 'boolean' ? raw.checksOpen : d.checksOpen,
      treeWidth: clamp(raw.treeWidth, TREE_WIDTH, d.treeWidth),
      checksWidth: clamp(raw.checksWidth, CHECKS_WIDTH, d.checksWidth),
      zoomFit: typeof raw.zoomFit === 'boolean' ? raw.zoomFit : d.zoomFit,
    };
  } catch {
    return d;
  }
}

/** Apply the stored layout and keep storing it whenever it changes. */
export function installLayoutPrefs(): void {
  useUi.setState(loadPrefs(window.innerWidth));
  let last = '';
  useUi.subscribe((s) => {
    const p: LayoutPrefs = { treeOpen: s.treeOpen, checksOpen: s.checksOpen, treeWidth: s.treeWidth, checksWidth: s.checksWidth, zoomFit: s.zoomFit };
    const text = JSON.stringify(p);
    if (text === last) return;
    last = text;
    try {
      localStorage.setItem(KEY, text);
    } catch {
      /* storage full or off: the layout is a comfort, never worth an error */
    }
  });
}
