/**
 * Regions: a consortium may only live where CloudFormation has the AMB resource types its
 * ledger stacks are made of. Every ledger template is linted by cfn-lint against the
 * resource schemas of its own region.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FABRIC_API_REGIONS, FABRIC_REGIONS, REGIONS_WITHOUT_LEDGER_TYPES } from '../lib/amb';
import type { Consortium } from '../lib/config';
import { ledgerTemplate } from '../stacks/ledger-template';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireTool } from './helpers/tools';

const execFileAsync = promisify(execFile);

/** The sample consortium moved to another region (every AZ follows). */
function sampleIn(region: string): Consortium {
  const fixture = new ConsortiumFixture();
  try {
    for (const file of readdirSync(fixture.dir)) {
      const path = join(fixture.dir, file);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('us-east-1', region));
    }
    return fixture.load();
  } finally {
    fixture.dispose();
  }
}

/**
 * Writes every ledger template of the consortium into dir, each tagged with its own region in
 * the template's cfn-lint config (the same as `cfn-lint --regions <region>`, so that one
 * cfn-lint run checks every region against its own schemas); returns the file paths.
 */
function writeTemplates(consortium: Consortium, dir: string): string[] {
  const region = consortium.network.region;
  return consortium.members
    .filter((member) => member.joined || member.ethereumNodes.length > 0)
    .map((member) => {
      const file = join(dir, `${region}-${member.name}.json`);
      const template = { ...ledgerTemplate(consortium, member), Metadata: { 'cfn-lint': { config: { regions: [region] } } } };
      writeFileSync(file, JSON.stringify(template, null, 2));
      return file;
    });
}

describe('regions of a consortium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amb-regions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('allows the regions where both the AMB API and the CloudFormation types exist, and no other API region', () => {
    expect([...FABRIC_REGIONS].sort()).toEqual(FABRIC_API_REGIONS.filter((region) => !(region in REGIONS_WITHOUT_LEDGER_TYPES)).sort());
    expect(FABRIC_REGIONS).not.toContain('us-gov-west-1');
  });

  it('refuses us-gov-west-1 at load, saying why and which regions are allowed', () => {
    const fixture = new ConsortiumFixture().edit('consortium.yaml', 'region: us-east-1\n  # Fixed', 'region: us-gov-west-1\n  # Fixed');
    try {
      expect(fixture.errors()).toEqual([
        `members/consortium.yaml:11:11 network.region: "us-gov-west-1" has the AMB API, but CloudFormation there has no AWS::ManagedBlockchain::Member or AWS::ManagedBlockchain::Node resource type, and a member's ledger (member, peers, admin secret) is a CloudFormation stack (allowed: ${FABRIC_REGIONS.join(', ')})`,
      ]);
    } finally {
      fixture.dispose();
    }
  });

  it('cfn-lint finds no problem in any ledger template against its own region, and E3006 for each AMB type in us-gov-west-1', async () => {
    requireTool('cfn-lint');
    const allowed = FABRIC_REGIONS.map((region) => writeTemplates(sampleIn(region), dir));
    for (const files of allowed) expect(files.length).toBeGreaterThanOrEqual(3);
    const sample = sampleIn('us-east-1');
    // The loader refuses us-gov-west-1; the templates are moved there by hand to show why.
    const refused = writeTemplates({ ...sample, network: { ...sample.network, region: 'us-gov-west-1' } }, dir);
    const result = await execFileAsync('cfn-lint', ['--format', 'parseable', '--', ...allowed.flat(), ...refused]).catch((error) => error);
    const findings = `${result.stdout}${result.stderr ?? ''}`.trim().split('\n');
    expect(findings.filter((line) => !line.startsWith(join(dir, 'us-gov-west-1-')))).toEqual([]);
    const types = new Set(findings.map((line) => /E3006:Resource type '([\w:]+)' does not exist in 'us-gov-west-1'/.exec(line)?.[1]));
    expect(types).toEqual(new Set(['AWS::ManagedBlockchain::Member', 'AWS::ManagedBlockchain::Node']));
  }, 300_000);
});
