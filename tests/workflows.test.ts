/** The GitHub workflows: per-member plans and deploys with per-member roles, governance from git. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { loadConsortium } from '../lib/config';
import { memberRows, SELECTIONS, type MemberRow } from '../lib/members';
import { SAMPLE_DIR } from './helpers/consortium-fixture';

const ROOT = join(__dirname, '..');
const WORKFLOW_NAMES = ['pull-request', 'deploy', 'governance'] as const;
const GOVERNANCE_SCRIPTS = ['sync', 'propose', 'vote', 'accept-invitation', 'msp', 'channel', 'chaincode'] as const;
const LEDGER_JOBS = ['msp', 'channel', 'chaincode'] as const;

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string; id?: string; 'continue-on-error'?: boolean };
type Job = {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: { include?: string }; 'max-parallel'?: number; 'fail-fast'?: boolean };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
};
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const pathOf = (name: string) => join(ROOT, '.github', 'workflows', `${name}.yml`);
const SETUP_ACTION = join(ROOT, '.github', 'actions', 'setup', 'action.yml');
const workflows = Object.fromEntries(WORKFLOW_NAMES.map((name) => [name, parse(readFileSync(pathOf(name), 'utf8')) as Workflow])) as Record<
  (typeof WORKFLOW_NAMES)[number],
  Workflow
>;
const setupAction = parse(readFileSync(SETUP_ACTION, 'utf8')) as { runs: { steps: Step[] } };

const allJobs = () => WORKFLOW_NAMES.flatMap((name) => Object.entries(workflows[name].jobs).map(([id, job]) => ({ workflow: name, id, job })));
const allSteps = () => [...allJobs().flatMap(({ job }) => job.steps), ...setupAction.runs.steps];
const runs = () => allSteps().flatMap((step) => (step.run ? [step.run] : []));
const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const awsStep = (job: Job) => job.steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const packageScripts = () => Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** `npm run X` (with or without --silent) in a shell line: the script names. */
function npmScriptsIn(command: string): string[] {
  return [...command.matchAll(/\bnpm run(?:\s+(?:--silent|-s))?\s+([\w:.-]+)/g)].map((match) => match[1]);
}

describe('parsing', () => {
  test.each(WORKFLOW_NAMES)('%s.yml is well-formed YAML with no duplicate keys', (name) => {
    const document = parseDocument(readFileSync(pathOf(name), 'utf8'), { uniqueKeys: true });
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
  });

  test("GitHub's workflow parser accepts all three workflows, expressions included", () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'helpers', 'workflow-parse.mjs'), ...WORKFLOW_NAMES.map(pathOf)], {
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('npm scripts', () => {
  test('every npm run script the workflows and the setup action call exists in package.json', () => {
    const called = [...new Set(runs().flatMap(npmScriptsIn))].sort();
    expect(called).toEqual(expect.arrayContaining(['members', 'synth', ...GOVERNANCE_SCRIPTS]));
    expect(called.filter((script) => !packageScripts().includes(script))).toEqual([]);
  });

  test.each(GOVERNANCE_SCRIPTS)('npm run %s is called for one member by name, with --json', (script) => {
    const calls = runs().filter((command) => npmScriptsIn(command).includes(script));
    expect(calls.length).toBeGreaterThan(0);
    for (const command of calls) expect(command).toBe(`npm run ${script} -- --member "$MEMBER" --json`);
  });

  test('install is npm ci in the shared setup action, which every job uses after checkout', () => {
    expect(setupAction.runs.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --no-audit --no-fund']);
    for (const { workflow, id, job } of allJobs()) {
      expect([workflow, id, job.steps[0].uses, job.steps[1].uses]).toEqual([workflow, id, 'actions/checkout@v4', './.github/actions/setup']);
    }
  });

  test('workflows use only standard setup actions and the project\'s own, pinned to a major version', () => {
    const allowed = /^(actions\/(checkout|setup-node|setup-python)|hashicorp\/setup-terraform|aws-actions\/configure-aws-credentials|peter-evans\/create-pull-request)@v\d+$|^\.\/\.github\/actions\/setup$/;
    for (const step of allSteps()) if (step.uses) expect(step.uses).toMatch(allowed);
  });
});

describe('permissions and roles', () => {
  test.each(WORKFLOW_NAMES)('%s.yml grants id-token: write, for GitHub OIDC', (name) => {
    expect(workflows[name].permissions).toEqual(expect.objectContaining({ 'id-token': 'write' }));
  });

  test('every job that assumes an AWS role may request an OIDC token, and uses no stored keys', () => {
    const assuming = allJobs().filter(({ job }) => awsStep(job));
    expect(assuming.length).toBeGreaterThanOrEqual(7);
    for (const { workflow, job } of assuming) {
      expect((job.permissions ?? workflows[workflow].permissions)?.['id-token']).toBe('write');
      expect(Object.keys(awsStep(job)!.with ?? {})).not.toEqual(expect.arrayContaining(['aws-access-key-id']));
    }
  });

  test('roles come from per-member repository variables named in the members matrix', () => {
    const row = memberRows(loadConsortium(SAMPLE_DIR))[0] as unknown as Record<string, unknown>;
    for (const { job } of allJobs().filter(({ job }) => awsStep(job))) {
      const role = String(awsStep(job)!.with!['role-to-assume']);
      const field = /^\$\{\{ vars\[matrix\.(\w+)\] \}\}$/.exec(role)?.[1];
      expect(field).toBeDefined();
      expect(String(row[field!])).toMatch(/^AMB_(PLAN|DEPLOY|GOVERNANCE)_ROLE_[A-Z0-9_]+$/);
      expect(awsStep(job)!.with!['aws-region']).toBe('${{ matrix.region }}');
    }
  });

  test('plans use the plan role, deploys the deploy role, governance the governance role', () => {
    const roleField = (workflow: (typeof WORKFLOW_NAMES)[number], job: string) => awsStep(workflows[workflow].jobs[job])!.with!['role-to-assume'];
    expect(roleField('pull-request', 'plan')).toBe('${{ vars[matrix.planRoleVariable] }}');
    expect(roleField('deploy', 'deploy')).toBe('${{ vars[matrix.deployRoleVariable] }}');
    for (const job of ['sync', 'propose', 'vote', 'accept-invitation', ...LEDGER_JOBS]) expect(roleField('governance', job)).toBe('${{ vars[matrix.governanceRoleVariable] }}');
    expect(roleField('deploy', 'governance')).toBe('${{ vars[matrix.governanceRoleVariable] }}');
  });

  test("plans synthesize stacks that assume the member's read-only plan role, deploys do not", () => {
    const synthSteps = (workflow: (typeof WORKFLOW_NAMES)[number], job: string) => workflows[workflow].jobs[job].steps.filter((step) => step.run?.includes('npm run synth'));
    expect(synthSteps('pull-request', 'plan').map((step) => (step as { env?: Record<string, string> }).env)).toEqual([{ AMB_ROLE: 'plan' }]);
    expect(readFileSync(pathOf('deploy'), 'utf8')).not.toContain('AMB_ROLE');
  });
});

describe('the member matrix', () => {
  test('matrix jobs fan out over the JSON of npm run members, passed through a job output', () => {
    for (const { workflow, id, job } of allJobs().filter(({ job }) => job.strategy?.matrix)) {
      const include = /^\$\{\{ fromJSON\(needs\.members\.outputs\.(\w+)\) \}\}$/.exec(job.strategy!.matrix!.include ?? '');
      expect([workflow, id, include?.[1]]).toEqual([workflow, id, expect.any(String)]);
      expect(needsOf(job)).toContain('members');
      const members = workflows[workflow].jobs.members;
      const stepId = /^\$\{\{ steps\.(\w+)\.outputs\.matrix \}\}$/.exec(members.outputs![include![1]])![1];
      const step = members.steps.find((candidate) => candidate.id === stepId)!;
      expect(step.run).toMatch(/^echo "matrix=\$\(npm run --silent members -- --json( --select [\w-]+)?\)" >> "\$GITHUB_OUTPUT"$/);
    }
  });

  test('every --select the workflows pass is one npm run members knows', () => {
    const selections = runs().flatMap((command) => [...command.matchAll(/--select ([\w-]+)/g)].map((match) => match[1]));
    expect(selections.length).toBeGreaterThan(0);
    for (const selection of selections) expect(SELECTIONS).toContain(selection);
  });

  test('the matrix is a flat array of objects GitHub can expand: strings, numbers and booleans only', () => {
    const rows: MemberRow[] = memberRows(loadConsortium(SAMPLE_DIR));
    for (const row of rows) for (const value of Object.values(row)) expect(['string', 'number', 'boolean']).toContain(typeof value);
  });

  test('matrix jobs name the member in MEMBER for their commands', () => {
    for (const { job } of allJobs().filter(({ job }) => job.strategy?.matrix)) expect(job.env?.MEMBER).toBe('${{ matrix.member }}');
  });

  test('every needs.<job>.outputs.<name> a job reads is declared by a job it needs', () => {
    for (const { workflow, job } of allJobs()) {
      const text = JSON.stringify(job);
      for (const [, needed, output] of text.matchAll(/needs\.([\w-]+)\.outputs\.(\w+)/g)) {
        expect(needsOf(job)).toContain(needed);
        expect(Object.keys(workflows[workflow].jobs[needed].outputs ?? {})).toContain(output);
      }
    }
  });

  test('no job-level if refers to the matrix, which GitHub expands only after evaluating it', () => {
    for (const { job } of allJobs()) expect(job.if ?? '').not.toMatch(/\bmatrix\./);
  });
});

describe('pull-request.yml', () => {
  const workflow = workflows['pull-request'];

  test('runs on pull requests: install, test and synth', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const commands = workflow.jobs.test.steps.map((step) => step.run).filter(Boolean);
    expect(commands).toEqual(expect.arrayContaining(['npm test', 'npm run synth']));
  });

  test("plans each member's stack with terraform init and plan -no-color, and writes the plan into the job summary", () => {
    const plan = workflow.jobs.plan;
    expect(needsOf(plan)).toEqual(['test', 'members']);
    const commands = plan.steps.map((step) => step.run ?? '');
    expect(commands).toContain('npm run synth');
    expect(commands).toContain('terraform -chdir="cdktf.out/stacks/$MEMBER" init -input=false -no-color');
    expect(commands.find((command) => command.includes(' plan '))).toMatch(/^terraform -chdir="cdktf\.out\/stacks\/\$MEMBER" plan .*-no-color.* \| tee "\$RUNNER_TEMP\/plan\.txt"$/);
    const summary = plan.steps.find((step) => step.run?.includes('$GITHUB_STEP_SUMMARY'))!;
    expect(summary.if).toBe('always()');
    expect(summary.run).toContain('cat "$RUNNER_TEMP/plan.txt"');
    expect(plan.steps.some((step) => step.uses?.startsWith('hashicorp/setup-terraform@'))).toBe(true);
  });
});

describe('deploy.yml', () => {
  const workflow = workflows.deploy;

  test('runs on pushes to main', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] } });
  });

  test('deploys each member in the GitHub environment named after it, with cdktf deploy of that member only', () => {
    const deploy = workflow.jobs.deploy;
    expect(deploy.environment).toBe('${{ matrix.member }}');
    expect(deploy.strategy!.matrix!.include).toBe('${{ fromJSON(needs.members.outputs.matrix) }}');
    expect(deploy.steps.map((step) => step.run).filter(Boolean)).toEqual(['npx cdktf deploy "$MEMBER" --auto-approve']);
  });

  test('then a governance job records what the deploys created, as a pull request per member', () => {
    const governance = workflow.jobs.governance;
    expect(needsOf(governance)).toEqual(['members', 'deploy']);
    expect(governance.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm run sync -- --member "$MEMBER" --json']);
    expect(governance.steps.some((step) => step.uses?.startsWith('peter-evans/create-pull-request@'))).toBe(true);
    expect(governance.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
  });
});

describe('governance.yml', () => {
  const workflow = workflows.governance;
  const selectionOf = (job: string) => {
    const output = /outputs\.(\w+)\)/.exec(workflow.jobs[job].strategy!.matrix!.include!)![1];
    const stepId = /steps\.(\w+)\./.exec(workflow.jobs.members.outputs![output])![1];
    return /--select ([\w-]+)/.exec(workflow.jobs.members.steps.find((step) => step.id === stepId)!.run!)![1];
  };

  test('runs after the deploy workflow, on a schedule and by hand', () => {
    expect(workflow.on.workflow_run).toEqual({ workflows: ['deploy'], types: ['completed'] });
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(Object.keys(workflow.on)).toContain('workflow_dispatch');
  });

  test('syncs for active members, proposes as the proposer, votes for manual voters, accepts for invitees', () => {
    expect(selectionOf('sync')).toBe('active');
    expect(selectionOf('propose')).toBe('proposer');
    expect(selectionOf('vote')).toBe('manual-voters');
    expect(selectionOf('accept-invitation')).toBe('invitees');
    expect(needsOf(workflow.jobs.vote)).toContain('propose');
  });

  test("accept-invitation opens a pull request with the invitee's member file once it has recorded an invitation", () => {
    const job = workflow.jobs['accept-invitation'];
    const accept = job.steps.find((step) => step.run?.startsWith('npm run accept-invitation'))!;
    const pr = job.steps.find((step) => step.uses?.startsWith('peter-evans/create-pull-request@'))!;
    expect(job.steps.indexOf(pr)).toBeGreaterThan(job.steps.indexOf(accept));
    expect(pr.if).toBe(`steps.${accept.id}.outcome == 'success'`);
    expect(pr.with!['add-paths']).toBe('${{ env.CONSORTIUM_DIR }}/${{ matrix.member }}.yaml');
    expect(pr.with!.branch).toBe('governance/accept-invitation-${{ matrix.member }}');
  });

  test('an invitee with no pending invitation yet does not fail the run', () => {
    const accept = workflow.jobs['accept-invitation'].steps.find((step) => step.run?.startsWith('npm run accept-invitation'))!;
    expect(accept['continue-on-error']).toBe(true);
    for (const { job } of allJobs()) for (const step of job.steps) if (step !== accept) expect(step['continue-on-error']).toBeUndefined();
  });

  test('skips a selection that is empty rather than failing on an empty matrix', () => {
    for (const job of ['sync', 'propose', 'vote', 'accept-invitation', ...LEDGER_JOBS]) {
      const output = /outputs\.(\w+)\)/.exec(workflow.jobs[job].strategy!.matrix!.include!)![1];
      expect(workflow.jobs[job].if).toContain(`needs.members.outputs.${output} != '[]'`);
    }
  });

  test('after sync, every active member runs msp, then channel, then chaincode, each stage once every member finished the one before', () => {
    for (const job of LEDGER_JOBS) expect([job, selectionOf(job)]).toEqual([job, 'active']);
    expect(needsOf(workflow.jobs.msp)).toEqual(['members', 'sync']);
    expect(needsOf(workflow.jobs.channel)).toEqual(['members', 'msp']);
    expect(needsOf(workflow.jobs.chaincode)).toEqual(['members', 'channel']);
    // A failed stage of one member must not stop the others' next stage.
    for (const job of LEDGER_JOBS) expect(workflow.jobs[job].if).toMatch(/^\$\{\{ !cancelled\(\) && /);
    for (const job of LEDGER_JOBS) expect(workflow.jobs[job].strategy!['fail-fast']).toBe(false);
  });

  test('channel and chaincode run one member after the other, so a creation or approval helps the next member in the same run', () => {
    expect(workflow.jobs.channel.strategy!['max-parallel']).toBe(1);
    expect(workflow.jobs.chaincode.strategy!['max-parallel']).toBe(1);
  });

  test.each([
    ['msp', '${{ env.CONSORTIUM_DIR }}/msp/${{ matrix.member }}'],
    ['channel', '${{ steps.paths.outputs.updates }}'],
    ['chaincode', '${{ env.CONSORTIUM_DIR }}/consortium.yaml'],
  ])('%s opens a pull request per member with exactly what the command writes (%s)', (id, paths) => {
    const job = workflow.jobs[id];
    const command = job.steps.find((step) => step.run === `npm run ${id} -- --member "$MEMBER" --json`)!;
    const pr = job.steps.find((step) => step.uses?.startsWith('peter-evans/create-pull-request@'))!;
    expect(job.steps.indexOf(pr)).toBeGreaterThan(job.steps.indexOf(command));
    expect(pr.with!['add-paths']).toBe(paths);
    expect(pr.with!.branch).toBe(`governance/${id}-\${{ matrix.member }}`);
  });

  test('signatures of channel updates are collected in channels/ beside the members directory', () => {
    const step = workflow.jobs.channel.steps.find((candidate) => candidate.id === 'paths')!;
    expect(step.run).toBe('echo "updates=$(dirname "$CONSORTIUM_DIR")/channels" >> "$GITHUB_OUTPUT"');
    const outputOf = (dir: string) => {
      const output = join(mkdtempSync(join(tmpdir(), 'github-output-')), 'output');
      spawnSync('bash', ['-c', step.run!], { env: { PATH: process.env.PATH, CONSORTIUM_DIR: dir, GITHUB_OUTPUT: output } });
      return readFileSync(output, 'utf8');
    };
    expect(outputOf('members')).toBe('updates=./channels\n');
    expect(outputOf('consortia/film/members')).toBe('updates=consortia/film/channels\n');
  });

  test("chaincode installs each chaincode's production dependencies before packaging, as every member must to build the same package", () => {
    const job = workflow.jobs.chaincode;
    const install = job.steps.findIndex((step) => /npm ci --prefix "\$\(dirname "\$lock"\)" --omit=dev --ignore-scripts/.test(step.run ?? ''));
    const command = job.steps.findIndex((step) => step.run?.startsWith('npm run chaincode'));
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(command);
  });
});
