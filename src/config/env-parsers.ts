/**
 * Small, strict readers for environment variables. Each one records a readable
 * problem instead of throwing, so boot can report every bad variable at once.
 */
export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}="${value}" must be a whole number from ${min} to ${max}.`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}="${value}" must be true or false.`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}="${value}" must be one of: ${allowed.join(', ')}.`);
    return fallback;
  }

  sha256(name: string): string | undefined {
    const value = this.raw(name)?.toLowerCase();
    if (value !== undefined && !/^[0-9a-f]{64}$/.test(value)) {
      this.problems.push(`${name} must be 64 hexadecimal characters (a sha256 digest).`);
      return undefined;
    }
    return value;
  }

  /** "256" or "384x512" (width x height). */
  size(name: string, fallback: { width: number; height: number }) {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = /^(\d{1,4})(?:x(\d{1,4}))?$/i.exec(value);
    const width = Number(match?.[1]);
    const height = Number(match?.[2] ?? match?.[1]);
    if (!match || width < 8 || height < 8) {
      this.problems.push(`${name}="${value}" must be a size such as 256 or 384x512 (at least 8).`);
      return fallback;
    }
    return { width, height };
  }

  /**
   * Express' "trust proxy": off (default), a hop count, or a comma list of
   * proxy addresses/subnets or the names loopback, linklocal, uniquelocal.
   * Never "true": that would trust any X-Forwarded-For a client sends.
   */
  trustProxy(name: string): boolean | number | string {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined || ['off', 'false', '0', 'no'].includes(value)) return false;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    const named = ['loopback', 'linklocal', 'uniquelocal'];
    if (entries.every((e) => named.includes(e) || /^[0-9a-f.:]+(\/\d{1,3})?$/.test(e))) {
      return entries.join(',');
    }
    this.problems.push(
      `${name}="${value}" must be off, a hop count, or a comma list of proxy addresses/subnets ` +
        '(or loopback, linklocal, uniquelocal).',
    );
    return false;
  }

  /** A comma list of exact origins such as https://app.example.com, or null when unset. */
  origins(name: string): string[] | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    const origins = value.split(',').map((origin) => origin.trim());
    const bad = origins.filter((origin) => {
      try {
        return new URL(origin).origin !== origin;
      } catch {
        return true;
      }
    });
    if (bad.length > 0) {
      this.problems.push(
        `${name} must list origins like https://app.example.com (scheme, host, optional port); ` +
          `not: ${bad.join(', ')}.`,
      );
      return null;
    }
    return origins;
  }

  /** A positive per-minute limit, or null for "off". */
  rateLimit(name: string, fallback: number): number | null {
    const value = this.raw(name)?.toLowerCase();
    if (value === 'off' || value === '0') return null;
    return this.int(name, fallback, 1, 1_000_000);
  }
}
