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

  /** A positive per-minute limit, or null for "off". */
  rateLimit(name: string, fallback: number): number | null {
    const value = this.raw(name)?.toLowerCase();
    if (value === 'off' || value === '0') return null;
    return this.int(name, fallback, 1, 1_000_000);
  }
}
