import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';

/**
 * A stand-in for SSM and its agent on one instance, because moto records Run Commands without
 * running them: SendCommand (AWS-RunShellScript on `instanceId` only) runs the command's shell
 * on "the instance", here this machine; GetCommandInvocation answers InvocationDoesNotExist on
 * the first poll, as SSM does right after SendCommand, then the status; DescribeInstanceInformation
 * reports the instance with `pingStatus`, or no instance when it is undefined. Every other call
 * (GetParameter, ...) goes on to `forwardTo` (moto_server), so only Run Command is stubbed.
 */
export interface StubSsmOptions {
  readonly instanceId: string;
  /** Environment of the commands' shells (the instance's AWS CLI pointed at moto's S3). */
  readonly env: Record<string, string>;
  /** Endpoint that answers the other SSM calls. @default none: they fail */
  readonly forwardTo?: string;
  /** @default 'Online' */
  readonly pingStatus?: 'Online' | 'ConnectionLost' | 'Inactive' | null;
  /** Paths of the instance as they are on this machine, e.g. its /etc/profile.d/fabric.sh. */
  readonly paths?: Readonly<Record<string, string>>;
}

export interface StubSsm {
  readonly endpoint: string;
  /** What DescribeInstanceInformation reports from now on; null: the instance is not managed. */
  pingStatus: StubSsmOptions['pingStatus'];
  /** The shell of every SendCommand, as sent. */
  readonly commands: string[];
  stop(): Promise<void>;
}

interface Invocation {
  child: ChildProcess;
  status: 'InProgress' | 'Success' | 'Failed';
  stdout: string;
  polled: number;
}

export function startStubSsm(options: StubSsmOptions): Promise<StubSsm> {
  const invocations = new Map<string, Invocation>();
  const commands: string[] = [];
  const controls = { pingStatus: options.pingStatus === undefined ? 'Online' : options.pingStatus } as { pingStatus: StubSsmOptions['pingStatus'] };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const reply = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(value));
      };
      const target = String(request.headers['x-amz-target']);
      const input = JSON.parse(body || '{}');
      if (target === 'AmazonSSM.SendCommand') {
        if (input.DocumentName !== 'AWS-RunShellScript' || input.InstanceIds?.[0] !== options.instanceId) return reply(400, { __type: 'InvalidDocument', message: 'unexpected document or instance' });
        const id = `cmd-${invocations.size + 1}`;
        const sent = (input.Parameters.commands as string[]).join('\n');
        commands.push(sent);
        const shell = Object.entries(options.paths ?? {}).reduce((text, [onInstance, here]) => text.replaceAll(onInstance, here), sent);
        const child = spawn('sh', ['-c', shell], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        const invocation: Invocation = { child, status: 'InProgress', stdout: '', polled: 0 };
        child.stdout!.on('data', (chunk) => (invocation.stdout += chunk));
        child.stderr!.on('data', () => undefined);
        child.on('exit', (code) => (invocation.status = code === 0 ? 'Success' : 'Failed'));
        invocations.set(id, invocation);
        return reply(200, { Command: { CommandId: id, Status: 'Pending' } });
      }
      if (target === 'AmazonSSM.GetCommandInvocation') {
        const invocation = invocations.get(input.CommandId);
        if (!invocation || invocation.polled++ === 0) return reply(400, { __type: 'InvocationDoesNotExist', message: 'not yet' });
        return reply(200, { CommandId: input.CommandId, InstanceId: options.instanceId, Status: invocation.status, StandardOutputContent: invocation.stdout.slice(0, 24_000) });
      }
      if (target === 'AmazonSSM.DescribeInstanceInformation') {
        const asked = (input.Filters ?? []).find((filter: { Key: string }) => filter.Key === 'InstanceIds')?.Values ?? [];
        const known = controls.pingStatus !== null && asked.includes(options.instanceId);
        return reply(200, { InstanceInformationList: known ? [{ InstanceId: options.instanceId, PingStatus: controls.pingStatus, LastPingDateTime: 1764500000 }] : [] });
      }
      if (!options.forwardTo) return reply(400, { __type: 'UnknownOperation', message: target });
      void fetch(options.forwardTo, { method: 'POST', headers: request.headers as Record<string, string>, body }).then(async (forwarded) => {
        response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/x-amz-json-1.1' });
        response.end(await forwarded.text());
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        get pingStatus() {
          return controls.pingStatus;
        },
        set pingStatus(status) {
          controls.pingStatus = status;
        },
        endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        commands,
        async stop() {
          for (const invocation of invocations.values()) if (invocation.child.exitCode === null) invocation.child.kill();
          server.closeAllConnections();
          await new Promise((done) => server.close(done));
        },
      }),
    ),
  );
}
