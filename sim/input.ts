/**
 * Reads a request's JSON input field by field, checking types and the length, range and
 * pattern constraints of the service model, and names the offending field (with its path,
 * e.g. MemberConfiguration.Name) in the InvalidRequestException it throws.
 */
import { invalidRequest } from './errors';

export type RawInput = Record<string, unknown>;

interface StringRules {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** Said in the error when the pattern does not match. */
  readonly patternHint?: string;
}

interface IntegerRules {
  readonly min?: number;
  readonly max?: number;
}

const isObject = (value: unknown): value is RawInput =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class InputReader {
  constructor(
    private readonly raw: RawInput,
    private readonly prefix = '',
  ) {}

  static of(value: unknown, prefix = ''): InputReader {
    if (!isObject(value)) throw invalidRequest(`${prefix || 'request body'} must be a JSON object`);
    return new InputReader(value, prefix);
  }

  path(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  optionalString(name: string, rules: StringRules = {}): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    const field = this.path(name);
    if (typeof value !== 'string') throw invalidRequest(`${field} must be a string`);
    if (rules.min !== undefined && value.length < rules.min) {
      throw invalidRequest(`${field} must be at least ${rules.min} characters long`);
    }
    if (rules.max !== undefined && value.length > rules.max) {
      throw invalidRequest(`${field} must be at most ${rules.max} characters long`);
    }
    if (rules.pattern && !rules.pattern.test(value)) {
      throw invalidRequest(`${field} "${value}" is not valid: ${rules.patternHint ?? `must match ${rules.pattern}`}`);
    }
    return value;
  }

  string(name: string, rules: StringRules = {}): string {
    const value = this.optionalString(name, rules);
    if (value === undefined) throw invalidRequest(`${this.path(name)} is required`);
    return value;
  }

  optionalEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) {
      throw invalidRequest(`${this.path(name)} "${value}" is not one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  enum<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.optionalEnum(name, allowed);
    if (value === undefined) throw invalidRequest(`${this.path(name)} is required (one of ${allowed.join(', ')})`);
    return value;
  }

  optionalInteger(name: string, rules: IntegerRules = {}): number | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    const field = this.path(name);
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidRequest(`${field} must be an integer`);
    if ((rules.min !== undefined && value < rules.min) || (rules.max !== undefined && value > rules.max)) {
      throw invalidRequest(`${field} ${value} is out of range: must be between ${rules.min} and ${rules.max}`);
    }
    return value;
  }

  integer(name: string, rules: IntegerRules = {}): number {
    const value = this.optionalInteger(name, rules);
    if (value === undefined) throw invalidRequest(`${this.path(name)} is required`);
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (typeof value !== 'boolean') throw invalidRequest(`${this.path(name)} must be true or false`);
    return value;
  }

  optionalObject(name: string): InputReader | undefined {
    if (!this.has(name)) return undefined;
    return InputReader.of(this.raw[name], this.path(name));
  }

  object(name: string): InputReader {
    const value = this.optionalObject(name);
    if (!value) throw invalidRequest(`${this.path(name)} is required`);
    return value;
  }

  /** Each element of a list of structures, as a reader named like `Actions.Invitations[2]`. */
  optionalObjectList(name: string): InputReader[] | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (!Array.isArray(value)) throw invalidRequest(`${this.path(name)} must be a list`);
    return value.map((item, index) => InputReader.of(item, `${this.path(name)}[${index}]`));
  }

  optionalStringList(name: string): string[] | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw invalidRequest(`${this.path(name)} must be a list of strings`);
    }
    return value as string[];
  }

  optionalStringMap(name: string): Record<string, string> | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (!isObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
      throw invalidRequest(`${this.path(name)} must be a map of strings to strings`);
    }
    return value as Record<string, string>;
  }

  /** The raw value, for structures stored and echoed back as given once their shape is checked. */
  value(name: string): unknown {
    return this.raw[name];
  }
}
