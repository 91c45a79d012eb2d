/** A write refused: 400 (bad body), 404 (no such entity), 409 (integrity), with its code and the field at fault. */
export class WriteError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
