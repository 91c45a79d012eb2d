import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilent, Logger } from 'pino';

type Level = Exclude<LevelWithSilent, 'silent'>;
type LogArgs = Parameters<Logger['info']>;

/**
 * The request's logger (`request.log`), bound to its `reqId` like pino's child, but made only
 * when something is logged at an enabled level. A pino child costs a bindings serialisation
 * with redaction per request; at thousands of uplinks a second nearly every request logs
 * nothing (request lines are debug), so most of them never need one.
 */
class LazyRequestLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bound: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): Logger {
    if (!this.made) this.made = this.parent.child(this.bound, this.options);
    return this.made;
  }

  private write(level: Level, args: LogArgs) {
    const logger = this.made ?? (this.parent.isLevelEnabled(level) ? this.real() : undefined);
    // pino's log methods read `this`: called on the logger they belong to.
    if (logger) (logger[level] as (...a: unknown[]) => void).apply(logger, args);
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: LogArgs) {
    this.write('fatal', args);
  }
  error(...args: LogArgs) {
    this.write('error', args);
  }
  warn(...args: LogArgs) {
    this.write('warn', args);
  }
  info(...args: LogArgs) {
    this.write('info', args);
  }
  debug(...args: LogArgs) {
    this.write('debug', args);
  }
  trace(...args: LogArgs) {
    this.write('trace', args);
  }
  silent() {}

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }
  bindings(): Bindings {
    return this.made ? this.made.bindings() : { ...this.parent.bindings(), ...this.bound };
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy child, unless the route sets its own level or
 * serialisers (then pino's child at once, so they apply exactly as pino applies them).
 */
export function requestLogger(base: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  // buildApp is given a pino logger (loggerInstance); Fastify's type only names the methods it uses.
  const parent = base as Logger;
  if (options.level !== undefined || options.serializers !== undefined) return parent.child(bindings, options);
  return new LazyRequestLogger(parent, bindings, options) as unknown as Logger;
}
