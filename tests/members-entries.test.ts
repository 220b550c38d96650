/**
 * Every entry of the members directory that cannot be read as a UTF-8 YAML file of sane size
 * is a config error (exit 2) naming the path and what is wrong, never an unexpected error.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeOf } from '../lib/cli';
import { ConfigError, loadConsortium } from '../lib/config';
import { MAX_CONFIG_FILE_BYTES } from '../lib/config/load';
import { ConsortiumFixture } from './helpers/consortium-fixture';

describe('entries of the members directory', () => {
  let fixture: ConsortiumFixture;
  beforeEach(() => {
    fixture = new ConsortiumFixture();
  });
  afterEach(() => fixture.dispose());

  function refusal(): { exitCode: number; lines: string[] } {
    try {
      loadConsortium(fixture.dir);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return { exitCode: exitCodeOf(error), lines: fixture.errors() };
    }
    throw new Error('expected the members directory to be refused');
  }

  it('refuses a directory named like a member file', () => {
    mkdirSync(join(fixture.dir, 'extra.yaml'));
    expect(refusal()).toEqual({
      exitCode: 2,
      lines: ['members/extra.yaml:1:1 is a directory, not a YAML file (allowed: a UTF-8 YAML file; move anything else out of the members directory, or rename the directory so it does not end in .yaml)'],
    });
  });

  it('refuses a symbolic link that loops, and one that points nowhere, listing both', () => {
    symlinkSync('loop.yaml', join(fixture.dir, 'loop.yaml'));
    symlinkSync('/nonexistent/studio.yaml', join(fixture.dir, 'studio.yaml'));
    expect(refusal().lines).toEqual([
      'members/loop.yaml:1:1 is a symbolic link that loops back on itself (allowed: a UTF-8 YAML file; move anything else out of the members directory)',
      'members/studio.yaml:1:1 is a symbolic link to /nonexistent/studio.yaml, which does not exist (allowed: a UTF-8 YAML file; move anything else out of the members directory)',
    ]);
  });

  it('refuses a consortium.yaml that is a directory', () => {
    fixture.remove('consortium.yaml');
    mkdirSync(join(fixture.dir, 'consortium.yaml'));
    expect(refusal().lines).toEqual([expect.stringMatching(/^members\/consortium\.yaml:1:1 is a directory, not a YAML file/)]);
  });

  it('names a duplicated key, where it is and where it first was', () => {
    fixture.edit('bank.yaml', 'adminUsername: bankadmin\n', 'adminUsername: bankadmin\nadminUsername: bankadmin2\n');
    fixture.edit('ott-vendor-1.yaml', 'vpc:\n  cidr:', 'vpc:\n  cidr: 10.99.0.0/16\n  cidr:');
    expect(refusal().lines).toEqual([
      expect.stringMatching(/^members\/bank\.yaml:(\d+):1 adminUsername: YAML: key "adminUsername" appears twice in this mapping \(first at line \d+\) \(allowed: each key once; remove or merge one of them\)$/),
      expect.stringMatching(/^members\/ott-vendor-1\.yaml:\d+:3 vpc\.cidr: YAML: key "cidr" appears twice in this mapping \(first at line \d+\)/),
    ]);
  });

  it('refuses bytes that are not UTF-8, at their line and column, instead of writing replacement characters into the stacks', () => {
    const text = `description: "Banque de d\xe9p\xf4t"\naccountId: "444455556666"\n`;
    writeFileSync(join(fixture.dir, 'bank.yaml'), Buffer.from(text, 'latin1'));
    expect(refusal().lines).toEqual(['members/bank.yaml:1:26 holds bytes that are not UTF-8 (saved in another encoding?) (allowed: UTF-8 text: re-save the file as UTF-8)']);
  });

  it('refuses a member file larger than the limit before parsing it', () => {
    writeFileSync(join(fixture.dir, 'ott-vendor-1.yaml'), `tags:\n${'  k: v\n'.repeat(Math.ceil((5 * 1024 * 1024) / 7))}`);
    expect(refusal().lines).toEqual([expect.stringMatching(new RegExp(`^members/ott-vendor-1\\.yaml:1:1 is \\d+ bytes, too large for a config file \\(allowed: at most ${MAX_CONFIG_FILE_BYTES} bytes\\)$`))]);
  });

  it('reports every entry problem together with the YAML syntax errors of the readable files', () => {
    mkdirSync(join(fixture.dir, 'extra.yaml'));
    fixture.edit('bank.yaml', 'vpc:', 'vpc: [unclosed');
    const lines = refusal().lines;
    expect(lines[0]).toMatch(/^members\/bank\.yaml:\d+:\d+ YAML: /);
    expect(lines[lines.length - 1]).toMatch(/^members\/extra\.yaml:1:1 is a directory/);
  });
});
