/** An error whose message is meant for the accountant (Simplified Chinese, says what and where). */
export class PacketError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'PacketError';
  }
}
