/**
 * Writes the JSON Schemas of consortium.yaml and <member>.yaml to schema/, for editors
 * (the sample files reference them through a yaml-language-server comment).
 * `--check` exits 1 when the committed files are out of date instead of writing.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../lib/cli';
import { OperationalError, UsageError } from '../lib/errors';
import { jsonSchemaOf } from '../lib/config/schema';
import { CONSORTIUM_SPEC, MEMBER_SPEC } from '../lib/config/spec';

export const SCHEMA_DIR = 'schema';

export function schemaFiles(): Record<string, string> {
  const render = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'consortium.schema.json': render(jsonSchemaOf(CONSORTIUM_SPEC, 'consortium.schema.json', 'AMB consortium (members/consortium.yaml)')),
    'member.schema.json': render(jsonSchemaOf(MEMBER_SPEC, 'member.schema.json', 'AMB consortium member (members/<member>.yaml)')),
  };
}

if (require.main === module) {
  void runMain(() => {
    const args = process.argv.slice(2);
    if (args.some((arg) => arg !== '--check')) throw new UsageError(`usage: npm run schema [-- --check]; unknown argument ${args.find((arg) => arg !== '--check')}`);
    const files = schemaFiles();
    if (args.includes('--check')) {
      const stale = Object.keys(files).filter((name) => !existsSync(join(SCHEMA_DIR, name)) || readFileSync(join(SCHEMA_DIR, name), 'utf8') !== files[name]);
      if (stale.length > 0) throw new OperationalError(`${stale.join(', ')} out of date: run npm run schema and commit the result`);
      return;
    }
    mkdirSync(SCHEMA_DIR, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(SCHEMA_DIR, name), text);
    process.stderr.write(`wrote ${Object.keys(files).map((name) => join(SCHEMA_DIR, name)).join(', ')}\n`);
  });
}
