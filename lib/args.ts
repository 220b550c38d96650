/**
 * Argument parsing shared by the governance commands: the common flags (--member, --dry-run,
 * --json, --help), each command's own flags, and a usage error (exit 2) for anything else.
 * The parser is minimist itself (the one zx re-exports), loaded without the rest of zx so a
 * command starts without it.
 */
import minimist from 'minimist';
import { UsageError } from './errors';

export interface FlagSpec {
  readonly type: 'boolean' | 'string' | 'number';
  readonly description: string;
  /** Shown after the flag in usage, e.g. SECONDS. */
  readonly placeholder?: string;
  readonly default?: string | number | boolean;
}

export interface CommandSpec {
  /** The npm script name. */
  readonly name: string;
  readonly summary: string;
  /** Whether the command acts as one member (--member required). @default true */
  readonly actsAsMember?: boolean;
  /** A command that never writes offers no --dry-run. @default false */
  readonly readOnly?: boolean;
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  readonly examples?: readonly string[];
}

export type FlagValue = string | number | boolean | undefined;

export interface ParsedArgs {
  readonly member?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly help: boolean;
  /** The command's own flags by name, defaults applied. */
  readonly flags: Readonly<Record<string, FlagValue>>;
}

const COMMON: Readonly<Record<string, FlagSpec>> = {
  member: { type: 'string', placeholder: 'NAME', description: "the member whose credentials act (a file name in members/)" },
  'dry-run': { type: 'boolean', description: 'print the plan; call nothing that writes' },
  json: { type: 'boolean', description: 'print the result as JSON on stdout' },
  help: { type: 'boolean', description: 'this text' },
};

function flagsOf(spec: CommandSpec): Record<string, FlagSpec> {
  const common =
    spec.actsAsMember === false ? { json: COMMON.json, help: COMMON.help } : spec.readOnly ? { member: COMMON.member, json: COMMON.json, help: COMMON.help } : COMMON;
  return { ...common, ...spec.flags };
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = flagsOf(spec);
  const names = Object.keys(flags);
  const unknown: string[] = [];
  const parsed = minimist([...argv], {
    boolean: names.filter((name) => flags[name].type === 'boolean'),
    string: names.filter((name) => flags[name].type !== 'boolean'),
    alias: { help: 'h' },
    unknown: (arg: string) => {
      if (arg !== '-h') unknown.push(arg);
      return false;
    },
  });
  if (unknown.length > 0) {
    throw new UsageError(`${spec.name}: unknown argument${unknown.length === 1 ? '' : 's'} ${unknown.map((arg) => JSON.stringify(arg)).join(', ')}\n\n${usage(spec)}`);
  }
  const values: Record<string, FlagValue> = {};
  for (const [name, flag] of Object.entries(flags)) {
    const raw: unknown = parsed[name];
    if (Array.isArray(raw)) throw new UsageError(`${spec.name}: --${name} is given more than once\n\n${usage(spec)}`);
    values[name] = raw === undefined ? flag.default : convert(spec, name, flag, raw);
  }
  const help = values.help === true;
  if (!help && spec.actsAsMember !== false && values.member === undefined) {
    throw new UsageError(`${spec.name}: --member NAME is required (the member whose credentials act)\n\n${usage(spec)}`);
  }
  const own = Object.fromEntries(Object.keys(spec.flags ?? {}).map((name) => [name, values[name]]));
  return { member: values.member as string | undefined, dryRun: values['dry-run'] === true, json: values.json === true, help, flags: own };
}

function convert(spec: CommandSpec, name: string, flag: FlagSpec, raw: unknown): FlagValue {
  if (flag.type === 'boolean') return raw === true;
  const text = String(raw);
  if (text === '') throw new UsageError(`${spec.name}: --${name} needs a value (${flag.placeholder ?? flag.type})\n\n${usage(spec)}`);
  if (flag.type === 'string') return text;
  const number = Number(text);
  if (!Number.isFinite(number) || number < 0) {
    throw new UsageError(`${spec.name}: --${name} "${text}" is not a number >= 0`);
  }
  return number;
}

export function usage(spec: CommandSpec): string {
  const flags = flagsOf(spec);
  const rows = Object.entries(flags).map(([name, flag]) => {
    const left = `  --${name}${flag.type === 'boolean' ? '' : ` ${flag.placeholder ?? flag.type.toUpperCase()}`}`;
    const fallback = flag.default !== undefined && flag.type !== 'boolean' ? ` (default ${flag.default})` : '';
    return [left, `${flag.description}${fallback}`];
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  const memberPart = spec.actsAsMember === false ? '' : ' --member NAME';
  const lines = [`usage: npm run ${spec.name} --${memberPart} [options]`, '', spec.summary, '', ...rows.map(([left, right]) => `${left.padEnd(width)}  ${right}`)];
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((example) => `  ${example}`));
  lines.push('', 'exit codes: 0 done, 1 operational failure (message says what to do), 2 invalid config or usage');
  return lines.join('\n');
}
