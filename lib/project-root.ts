/**
 * The project's root directory (the one holding package.json), found the same way whether the
 * code runs from its TypeScript sources (tsx, jest) or from the compiled copy in
 * dist/<build>/ (bin/run.js): files that are not compiled, such as templates and the voter's
 * sources, are read from here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function rootAbove(dir: string): string {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) return current;
    if (dirname(current) === current) throw new Error(`no package.json above ${dir}`);
  }
}

export const PROJECT_ROOT = rootAbove(__dirname);
