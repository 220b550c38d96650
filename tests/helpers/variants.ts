import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium, type Consortium } from '../../lib/config';
import { generateConsortium } from '../../scripts/generate-consortium';
import { ConsortiumFixture, SAMPLE_DIR } from './consortium-fixture';

/**
 * Consortia that between them switch on every option a stack has: the invariants and the
 * offline validators run over all of them.
 */
export function stackVariants(): Record<string, Consortium> {
  const everything = new ConsortiumFixture()
    .edit('bank.yaml', '  cidr: 10.40.0.0/16\n  availabilityZones: [us-east-1a, us-east-1c]\n', '  vpcId: vpc-0123456789abcdef0\n  subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]\n')
    .edit('bank.yaml', 'peers:', 'endpoint:\n  allowedSecurityGroupIds: [sg-0123456789abcdef0]\npeers:')
    .edit('bank.yaml', 'logging:', 'ethereumNodes:\n  - instanceType: bc.m5.xlarge\n    availabilityZone: us-east-1a\noffchain:\n  readers: [filmmaker]\n  objectLockDays: 365\nlogging:')
    .edit('ott-vendor-2.yaml', 'tags:', 'ethereumNodes:\n  - instanceType: bc.t3.large\n    availabilityZone: us-east-1b\ntags:')
    .edit('filmmaker.yaml', 'client:\n  instanceType: t3.small', 'client:\n  instanceType: t3.medium\n  subnet: private\n  sshCidrs: [203.0.113.0/24]')
    .edit('filmmaker.yaml', 'voting:\n  otherwise: NO', 'voting:\n  otherwise: NO\n  schedule: rate(15 minutes)\n  alarmTopicArn: arn:aws:sns:us-east-1:111122223333:amb-alerts');
  const largest = mkdtempSync(join(tmpdir(), 'amb-14-'));
  try {
    generateConsortium(largest, { members: 14, peersPerMember: 3 });
    return { sample: loadConsortium(SAMPLE_DIR), everything: everything.load(), 'standard-14x3': loadConsortium(largest) };
  } finally {
    everything.dispose();
    rmSync(largest, { recursive: true, force: true });
  }
}
