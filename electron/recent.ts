/** The 最近打开 list: up to ten absolute paths, newest first, kept as JSON in the user-data folder. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';

export const MAX_RECENT = 10;

export class RecentFiles {
  private list: string[] = [];

  constructor(private readonly file: string) {
    try {
      const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(data)) this.list = data.filter((p): p is string => typeof p === 'string' && isAbsolute(p)).slice(0, MAX_RECENT);
    } catch {
      this.list = [];
    }
  }

  paths(): string[] {
    return [...this.list];
  }

  entries(): { index: number; name: string }[] {
    return this.list.map((p, index) => ({ index, name: basename(p) }));
  }

  add(path: string): void {
    this.list = [path, ...this.list.filter((p) => p !== path)].slice(0, MAX_RECENT);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify(this.list, null, 1));
    } catch {
      /* a read-only profile only loses the list */
    }
  }
}
