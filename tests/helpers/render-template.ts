import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineTerraformEnv, requireTool, run } from './tools';

/**
 * Renders a template file with Terraform's own templatefile(), exactly as a plan would: a
 * throw-away configuration with one output, applied locally (no provider, no network).
 */
export function renderWithTerraform(path: string, vars: Record<string, string>): string {
  requireTool('terraform');
  const dir = mkdtempSync(join(tmpdir(), 'tf-render-'));
  try {
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({
        variable: { path: { type: 'string' }, vars: { type: 'map(string)' } },
        output: { rendered: { value: '${templatefile(var.path, var.vars)}' } },
      }),
    );
    writeFileSync(join(dir, 'terraform.tfvars.json'), JSON.stringify({ path, vars }));
    const env = offlineTerraformEnv();
    run('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
    return run('terraform', ['output', '-raw', 'rendered'], { cwd: dir, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
