import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FabricBinaries } from '../../sim/fabric/binaries';
import { FABRIC_AMB, FABRIC_CA } from '../../sim/fabric/versions';

/** Commands of the operating system's package and service managers, stubbed: each logs its call and succeeds. */
const STUBBED = ['dnf', 'rpm', 'systemctl', 'usermod'];

/**
 * A sandbox for the Fabric client's boot script: a private mount namespace (`unshare`) in
 * which /etc is a copy with the `ec2-user` operator added, /home, /var/log, /run, /usr/local/bin
 * and /usr/local/sbin are empty folders, and /opt/fabric holds the installed Fabric releases
 * (read-only) under the names the script expects, so nothing is downloaded and nothing on the
 * host changes. The package and service commands are stubs; everything else (bash, aws,
 * fabric-ca-client, peer, jq, flock) is real.
 */
export class ClientSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'client-sandbox-'));

  constructor(private readonly binaries: FabricBinaries) {
    const stubs = join(this.dir, 'stubs');
    mkdirSync(stubs);
    for (const command of STUBBED) {
      writeFileSync(join(stubs, command), `#!/bin/bash\necho "${command} $*" >>"${join(this.dir, 'stubbed-calls.log')}"\n`, { mode: 0o755 });
    }
    writeFileSync(join(stubs, 'curl'), '#!/bin/bash\necho "curl: no internet in the client sandbox: $*" >&2\nexit 7\n', { mode: 0o755 });
    for (const sub of ['etc', 'home', 'log', 'run', 'bin', 'sbin', 'opt']) mkdirSync(join(this.dir, sub));
    chmodSync(this.dir, 0o755);
  }

  /** Calls made to the stubbed commands, one per line. */
  stubbedCalls(): string {
    try {
      return readFileSync(join(this.dir, 'stubbed-calls.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** The script's log, /var/log/fabric-client-setup.log inside the sandbox. */
  setupLog(): string {
    return readFileSync(join(this.dir, 'log', 'fabric-client-setup.log'), 'utf8');
  }

  /**
   * Runs `script` (a file) as root inside the sandbox, then `operator` (bash) as ec2-user in a
   * login-like shell that sources /etc/profile.d/fabric.sh. `env` reaches both (the AWS endpoints
   * and credentials). Resolves with the exit codes and output; kills everything after `timeoutMs`.
   */
  run(script: string, operator: string, env: Record<string, string>, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const d = this.dir;
    const setup = `set -euo pipefail
mount --make-rprivate /
cp -a /etc/. ${d}/etc/
echo 'ec2-user:x:1000:1000::/home/ec2-user:/bin/bash' >>${d}/etc/passwd
echo 'ec2-user:x:1000:' >>${d}/etc/group
mkdir -p ${d}/home/ec2-user ${d}/opt/fabric/${FABRIC_AMB.name} ${d}/opt/fabric/${FABRIC_CA.name}
chown 1000:1000 ${d}/home/ec2-user
mount --bind ${d}/etc /etc
mount --bind ${d}/home /home
mount --bind ${d}/log /var/log
mount --bind ${d}/run /run
mount --bind ${d}/bin /usr/local/bin
mount --bind ${d}/sbin /usr/local/sbin
mount -t tmpfs tmpfs /opt
mkdir -p /opt/fabric/${FABRIC_AMB.name} /opt/fabric/${FABRIC_CA.name}
mount --bind -o ro ${join(this.binaries.amb.bin, '..')} /opt/fabric/${FABRIC_AMB.name}
mount --bind -o ro ${join(this.binaries.caBin, '..')} /opt/fabric/${FABRIC_CA.name}
export PATH=${d}/stubs:/usr/local/bin:$PATH
status=0
bash "$1" || status=$?
echo "boot script exit code: $status"
[ "$status" = 0 ] || exit "$status"
runuser -u ec2-user -- env -i HOME=/home/ec2-user PATH=/usr/local/bin:/usr/bin:/bin bash -c 'source /etc/profile.d/fabric.sh && '"$2"
`;
    return new Promise((resolve, reject) => {
      const child = spawn('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', setup, 'sandbox', script, operator], { env: { ...process.env, ...env }, detached: true });
      // The script retries a failing step for minutes; a bounded run ends the whole group.
      const timer = setTimeout(() => {
        stderr += `\nsandbox: stopped after ${timeoutMs / 1000} s\n`;
        process.kill(-child.pid!, 'SIGKILL');
      }, timeoutMs);
      child.once('close', () => clearTimeout(timer));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
