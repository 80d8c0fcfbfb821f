import { Injectable, LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { AppConfig } from '../../config/app-config';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger as JSON lines on stdout, so every `new Logger(X.name)` in the
 * app comes out structured. Each line carries the class that wrote it, and
 * the id of the request it is about when the caller names one: an object
 * message `{ msg, requestId }` (see request-context.ts).
 */
@Injectable()
export class AppLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(config: AppConfig) {
    this.pino = pino({
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    });
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /**
   * Nest passes the logger's context (the class name) as the last parameter,
   * and error() a stack trace before it; an object message adds its fields.
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const stack = rest.find((param): param is string => typeof param === 'string');
    const fields: Record<string, unknown> = { context };
    let text: string;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...extra } = message as Record<string, unknown>;
      Object.assign(fields, extra);
      text = typeof msg === 'string' ? msg : '';
    } else {
      text = String(message);
    }
    if (stack !== undefined) fields.stack = stack;
    this.pino[level](fields, text);
  }
}
