/**
 * The cover date of the printed packet: stored in the packet (公开包信息「封面日期」, YYYY-MM-DD) so the
 * package prints the same date every time it is printed again; unset means the day of printing. The print
 * dialog shows it, lets the user change it, and stores it with setCoverDate.
 */
import { COVER_DATE_KEY, type Packet } from '../model.js';

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** The stored cover date, or undefined when none (or an unreadable one) is stored. */
export function storedCoverDate(packet: Pick<Packet, 'meta'>): Date | undefined {
  const m = DATE_RE.exec((packet.meta[COVER_DATE_KEY] ?? '').trim());
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d : undefined;
}

/** The date to print on the cover: the stored one, else `today`. */
export function coverDate(packet: Pick<Packet, 'meta'>, today: Date = new Date()): Date {
  return storedCoverDate(packet) ?? today;
}

export function formatCoverDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * Store (a Date or "YYYY-MM-DD") or clear (null) the cover date; marks the session dirty so it is saved.
 * Throws a Chinese message for a date that does not exist.
 */
export function setCoverDate(session: { packet: Pick<Packet, 'meta'>; dirty: boolean }, date: Date | string | null): void {
  if (date === null) {
    delete session.packet.meta[COVER_DATE_KEY];
  } else {
    const text = typeof date === 'string' ? date.trim() : formatCoverDate(date);
    const probe = { meta: { [COVER_DATE_KEY]: text } };
    if (!storedCoverDate(probe)) throw new Error(`封面日期「${text}」无法识别：请写成 2025-05-20 这样的年-月-日。`);
    session.packet.meta[COVER_DATE_KEY] = formatCoverDate(storedCoverDate(probe)!);
  }
  session.dirty = true;
}
