import { PacketError } from '../errors.js';

/**
 * A refusal on safety grounds (a limit, a zip bomb, a DTD, a time limit). A caller with a fallback reader
 * (the importer tries SheetJS when ExcelJS fails) must not fall back on this one: the fallback would
 * inflate exactly what was refused.
 */
export class SafetyError extends PacketError {
  constructor(message: string, detail?: string) {
    super(message, detail);
    this.name = 'SafetyError';
  }
}
