/**
 * The errors and console output of workers: a module of its own, below worker.ts, so that the
 * sandbox (which worker.ts refers to) can use them without an import cycle.
 */
import { DomainError } from '../shared/errors.js';

/** Console output of a user script, returned with the result (bounded, see ScriptRunner). */
export interface ScriptLog {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

/**
 * Codes a worker throws. `retryable` tells the pipeline whether another attempt can help:
 * a payload that does not decode today will not decode tomorrow; a timeout under load may.
 */
export const WORKER_ERROR_CODES = {
  DECODE_FAILED: false,
  SCRIPT_INVALID: false,
  SCRIPT_FAILED: false,
  SCRIPT_TIMEOUT: true,
  SCRIPT_MEMORY_LIMIT: false,
  WORKER_FAILED: false,
} as const;
export type WorkerErrorCode = keyof typeof WORKER_ERROR_CODES;

export class WorkerError extends DomainError {
  override readonly code: WorkerErrorCode;
  readonly retryable: boolean;

  constructor(code: WorkerErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'WorkerError';
    this.code = code;
    this.retryable = WORKER_ERROR_CODES[code];
  }
}
