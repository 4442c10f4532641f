/**
 * Reading a zip's central directory without inflating anything: the declared sizes, methods and offsets of
 * every part, so a zip bomb or a damaged file is refused before a single byte is decompressed.
 */
import { PacketError } from '../errors.js';
import { SafetyError } from './errors.js';
import { count, LIMITS, mb, type Limits } from './limits.js';

export interface ZipEntryInfo {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  /** offset of the local header, after correcting for bytes prepended to the archive */
  localOffset: number;
  /** end of the entry's data in the file */
  dataEnd: number;
}

export interface ZipDirectory {
  entries: ZipEntryInfo[];
  totalUncompressed: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

function u16(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;
}

/** 64-bit little endian; anything above 2^53 is absurd for us and comes back as Infinity */
function u64(b: Uint8Array, i: number): number {
  const hi = u32(b, i + 4);
  return hi >= 0x200000 ? Infinity : hi * 0x100000000 + u32(b, i);
}

function latinName(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len && i < b.length; i++) s += b[i] < 0x80 && b[i] >= 0x20 ? String.fromCharCode(b[i]) : '?';
  return s;
}

/** The Chinese message for a damaged archive, in the wording loadWorkbook has always used. */
export function damaged(what: string, detail: string): PacketError {
  return new PacketError(`${what}无法打开：xlsx 文件已损坏或不完整（${detail}）。请找回完整的文件后重试。`, detail);
}

export function refuse(what: string, reason: string, advice = '请确认文件来源可靠；若确为本单位的表格，请在 Excel/WPS 中打开后另存为新的 .xlsx 再试。'): SafetyError {
  return new SafetyError(`${what}未读取：${reason}。为防止程序卡死或占满内存，软件拒绝打开这样的文件。${advice}`, reason);
}

export function findEndOfCentralDirectory(b: Uint8Array): number {
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= stop; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return i;
  }
  return -1;
}

/**
 * Parse the central directory and apply the size limits. Throws PacketError (Chinese) for a damaged
 * archive, an encrypted one, an unknown compression method, overlapping entries (the trick of the
 * "better zip bombs") and for declared sizes or ratios beyond the limits.
 */
export function readZipDirectory(b: Uint8Array, what = '文件', limits: Limits = LIMITS): ZipDirectory {
  const eocd = findEndOfCentralDirectory(b);
  if (eocd < 0) throw damaged(what, '找不到 zip 目录，文件可能被截断');
  if (u32(b, eocd) !== SIG_EOCD) throw damaged(what, 'zip 目录标记错误');
  if (u16(b, eocd + 4) !== 0 || u16(b, eocd + 6) !== 0) throw damaged(what, '分卷 zip 文件不受支持');
  let total = u16(b, eocd + 10);
  let cdSize = u32(b, eocd + 12);
  let cdOffset = u32(b, eocd + 16);
  let cdEndExpected = eocd;
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(b, loc) !== SIG_LOCATOR64) throw damaged(what, 'ZIP64 目录定位信息缺失');
    const rec = u64(b, loc + 8);
    if (!Number.isFinite(rec) || rec + 56 > loc || u32(b, rec) !== SIG_EOCD64) throw damaged(what, 'ZIP64 目录记录损坏');
    total = u64(b, rec + 32);
    cdSize = u64(b, rec + 40);
    cdOffset = u64(b, rec + 48);
    cdEndExpected = rec;
  }
  if (total > limits.maxEntries) {
    throw refuse(what, `压缩包内有 ${count(total)} 个部件，超过 ${count(limits.maxEntries)} 个的上限`);
  }
  // bytes prepended to the archive shift every offset; JSZip (and so ExcelJS) accepts that, so do we
  const shift = cdEndExpected - (cdOffset + cdSize);
  if (!Number.isFinite(shift) || shift < 0) throw damaged(what, 'zip 目录位置超出文件范围，文件可能被截断');
  const cdStart = cdOffset + shift;

  const entries: ZipEntryInfo[] = [];
  let totalUncompressed = 0;
  let p = cdStart;
  for (let k = 0; k < total; k++) {
    if (p + 46 > cdEndExpected || u32(b, p) !== SIG_CENTRAL) throw damaged(what, `zip 目录第 ${k + 1} 项损坏`);
    const flags = u16(b, p + 8);
    const method = u16(b, p + 10);
    let csize = u32(b, p + 20);
    let usize = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    let offset = u32(b, p + 42);
    const name = latinName(b, p + 46, nameLen);
    if (usize === 0xffffffff || csize === 0xffffffff || offset === 0xffffffff) {
      // ZIP64 extra field: the 64-bit values of exactly the fields that are saturated, in this order
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      let found = false;
      while (e + 4 <= end) {
        const id = u16(b, e);
        const size = u16(b, e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const take = () => {
            if (q + 8 > e + 4 + size) throw damaged(what, `部件 ${name} 的 ZIP64 信息不完整`);
            const v = u64(b, q);
            q += 8;
            return v;
          };
          if (usize === 0xffffffff) usize = take();
          if (csize === 0xffffffff) csize = take();
          if (offset === 0xffffffff) offset = take();
          found = true;
          break;
        }
        e += 4 + size;
      }
      if (!found) throw damaged(what, `部件 ${name} 缺少 ZIP64 信息`);
    }
    if (flags & 0x0001) {
      throw new PacketError(`${what}已加密（设置了打开密码），软件无法读取。请在 Excel/WPS 中取消密码后另存为 .xlsx 再试。`);
    }
    if (method !== 0 && method !== 8) throw damaged(what, `部件 ${name} 使用了不支持的压缩方式 ${method}`);
    if (method === 0 && csize !== usize) throw damaged(what, `部件 ${name} 的大小记录不一致`);
    if (usize > limits.maxEntryBytes) {
      throw refuse(what, `部件 ${name} 解压后有 ${mb(usize)}，超过单个部件 ${mb(limits.maxEntryBytes)} 的上限（疑似“压缩炸弹”）`);
    }
    if (usize > limits.ratioCheckFrom && usize > csize * limits.maxRatio) {
      const ratio = csize ? Math.round(usize / csize) : Infinity;
      throw refuse(what, `部件 ${name} 的压缩比为 ${Number.isFinite(ratio) ? count(ratio) : '无穷'}:1（${mb(usize)}），远超正常表格（疑似“压缩炸弹”）`);
    }
    totalUncompressed += usize;
    if (totalUncompressed > limits.maxTotalBytes) {
      throw refuse(what, `解压后总大小超过 ${mb(limits.maxTotalBytes)} 的上限（疑似“压缩炸弹”）`);
    }
    const localOffset = offset + shift;
    if (!Number.isFinite(localOffset) || localOffset + 30 > cdStart || u32(b, localOffset) !== SIG_LOCAL) {
      throw damaged(what, `部件 ${name} 的数据位置错误`);
    }
    const dataEnd = localOffset + 30 + u16(b, localOffset + 26) + u16(b, localOffset + 28) + csize;
    if (dataEnd > cdStart) throw damaged(what, `部件 ${name} 的数据超出文件范围，文件可能被截断`);
    entries.push({ name, method, flags, compressedSize: csize, uncompressedSize: usize, localOffset, dataEnd });
    p += 46 + nameLen + extraLen + commentLen;
  }
  // Entries that share bytes let a small file declare the same compressed data many times over.
  const spans = [...entries].sort((x, y) => x.localOffset - y.localOffset);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].localOffset < spans[i - 1].dataEnd) {
      throw refuse(what, `部件 ${spans[i - 1].name} 与 ${spans[i].name} 的数据互相重叠（疑似“压缩炸弹”）`);
    }
  }
  return { entries, totalUncompressed };
}
