/**
 * Timing marks for the latency benchmark (tests/e2e/editor-bench): keystroke → checks panel updated, and
 * page load → packet shown and checked. Cheap enough to stay on in the app.
 */

export interface EditSample {
  /** Enter pressed → the session applied the edit and the controller dispatched its result */
  applied: number;
  /** Enter pressed → the checks panel committed its DOM */
  panel: number;
  /** Enter pressed → the next animation frame after the panel update (about when it is painted) */
  frame: number;
}

class Perf {
  editStart = 0;
  private appliedAt = 0;
  samples: EditSample[] = [];
  phases: Record<string, number> = {};
  /** page load → the first sheet drawn with the packet's findings in the panel */
  loadedAt = 0;

  phase(name: string): void {
    this.phases[name] = performance.now();
  }

  keystroke(): void {
    this.editStart = performance.now();
    this.appliedAt = 0;
  }

  dispatched(): void {
    if (this.editStart) this.appliedAt = performance.now();
  }

  panelCommitted(): void {
    if (!this.editStart || !this.appliedAt) return;
    const start = this.editStart;
    const applied = this.appliedAt - start;
    const panel = performance.now() - start;
    this.editStart = 0;
    requestAnimationFrame(() => {
      this.samples.push({ applied, panel, frame: performance.now() - start });
    });
  }

  loaded(): void {
    if (this.loadedAt) return;
    this.loadedAt = performance.now();
  }
}

export const perf = new Perf();

declare global {
  interface Window {
    __juesuanPerf?: Perf;
  }
}
window.__juesuanPerf = perf;
